"""Matched giving: record a match, see what each matcher owes, record their payment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from ..models import Campaign, GiftMatch
from ..models.types import utcnow
from ..money import format_money
from ..services.matching import matching
from . import bp
from .common import campaign_or_404, organiser
from .impact_forms import MatchForm, MatchPaymentForm


def _render(campaign: Campaign, form: MatchForm, code: int = 200) -> ResponseReturnValue:
    return render_template(
        "dashboard/matching.html",
        campaign=campaign,
        form=form,
        matches=matching.listing(campaign),
        now=utcnow(),
        payment_form=MatchPaymentForm(campaign.currency, formdata=None),
        name_of=matching.display_name,
    ), code


def _match_or_404(campaign: Campaign, match_id: int) -> GiftMatch:
    match = db.session.get(GiftMatch, match_id)
    if match is None or match.campaign_id != campaign.id:
        abort(404, description="There is no such match.")
    return match


@bp.route("/matching", methods=["GET", "POST"])
def matching_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = MatchForm(campaign.currency)
    if not form.is_submitted():
        return _render(campaign, form)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render(campaign, form, 400)
    entry = matching.MatchEntry(
        matcher_name=form.matcher_name.data or "",
        cap_minor=form.amount_minor,
        starts_at=form.starts_utc(),
        ends_at=form.ends_utc(),
    )
    try:
        matching.add(campaign, entry, organiser())
    except matching.MatchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(campaign, form, 400)
    flash(f"Recorded a match of up to {format_money(entry.cap_minor, campaign.currency)}.", "info")
    return redirect(url_for("dashboard.matching_page"))


@bp.post("/matching/<int:match_id>/received")
def matching_received(match_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    _match_or_404(campaign, match_id)
    form = MatchPaymentForm(campaign.currency)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render(campaign, MatchForm(campaign.currency, formdata=None), 400)
    try:
        match = matching.record_received(
            match_id, form.amount_minor, organiser(), note=form.note.data or ""
        )
    except matching.MatchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(campaign, MatchForm(campaign.currency, formdata=None), 400)
    flash(
        f"Recorded {format_money(form.amount_minor, campaign.currency)} from"
        f" {matching.display_name(match)} as offline money; it counts in the total.",
        "info",
    )
    return redirect(url_for("dashboard.matching_page"))


@bp.post("/matching/<int:match_id>/end")
def matching_end(match_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    _match_or_404(campaign, match_id)
    try:
        matching.end_now(match_id, organiser())
    except matching.MatchError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(campaign, MatchForm(campaign.currency, formdata=None), 400)
    flash("The match has ended; gifts already started stay matched.", "info")
    return redirect(url_for("dashboard.matching_page"))
