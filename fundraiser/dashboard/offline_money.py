"""Offline money: list, add, correct, remove (each with a reason where it changes the past)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from ..models import Campaign, OfflineGift
from ..money import format_decimal, format_money
from ..services.offline import offline
from ..services.offline.offline import METHODS
from . import bp
from .common import campaign_or_404, organiser
from .forms import OfflineCorrectForm, OfflineForm, ReasonForm


def _entry(form: OfflineForm) -> offline.OfflineEntry:
    return offline.OfflineEntry(
        amount_minor=form.amount_minor,
        received_on=form.received_on.data,  # type: ignore[arg-type]
        method=form.method.data or "",
        source=form.source.data or None,
        note=form.note.data or "",
    )


def _render_list(campaign: Campaign, form: OfflineForm, code: int = 200) -> ResponseReturnValue:
    return render_template(
        "dashboard/offline.html",
        campaign=campaign,
        gifts=offline.listing(campaign),
        form=form,
        methods=METHODS,
    ), code


@bp.route("/offline", methods=["GET", "POST"])
def offline_list() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = OfflineForm(campaign.currency)
    if not form.is_submitted():
        # Most money is entered the day it comes in: today (UTC) unless changed.
        form.received_on.data = datetime.now(UTC).date()
        return _render_list(campaign, form)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render_list(campaign, form, 400)
    try:
        gift = offline.add(campaign, _entry(form), organiser())
    except offline.OfflineError as exc:
        flash(str(exc), "error")
        return _render_list(campaign, form, 400)
    flash(
        f"Recorded {format_money(gift.amount_minor, gift.currency)}; it counts in the total.",
        "info",
    )
    return redirect(url_for("dashboard.offline_list"))


def _gift_or_404(campaign: Campaign, gift_id: int) -> OfflineGift:
    gift = db.session.get(OfflineGift, gift_id)
    if gift is None or gift.campaign_id != campaign.id:
        abort(404, description="There is no such offline entry.")
    return gift


@bp.route("/offline/<int:gift_id>", methods=["GET", "POST"])
def offline_edit(gift_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    gift = _gift_or_404(campaign, gift_id)
    form = OfflineCorrectForm(campaign.currency)
    remove_form = ReasonForm()
    if not form.is_submitted():
        form.amount.data = format_decimal(gift.amount_minor, gift.currency)
        form.received_on.data = gift.received_on
        form.method.data = gift.method
        form.source.data = gift.source
        form.note.data = gift.note
        form.seen_amount.data = str(gift.amount_minor)
    elif form.validate():
        try:
            offline.correct(
                gift_id,
                _entry(form),
                seen_amount=int(form.seen_amount.data or 0),
                reason=form.reason.data or "",
                organiser=organiser(),
            )
        except offline.OfflineError as exc:
            flash(str(exc), "error")
        else:
            flash("Corrected; the total moved by the difference.", "info")
            return redirect(url_for("dashboard.offline_list"))
    else:
        flash(form.first_error(), "error")
    code = 400 if form.is_submitted() else 200
    return render_template(
        "dashboard/offline_edit.html",
        campaign=campaign,
        gift=gift,
        form=form,
        remove_form=remove_form,
    ), code


@bp.post("/offline/<int:gift_id>/remove")
def offline_remove(gift_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    _gift_or_404(campaign, gift_id)
    form = ReasonForm()
    if not form.validate():
        flash("Say why you are removing it.", "error")
        return redirect(url_for("dashboard.offline_edit", gift_id=gift_id)), 303
    try:
        gift = offline.remove(gift_id, reason=form.reason.data or "", organiser=organiser())
    except offline.OfflineError as exc:
        flash(str(exc), "error")
        return redirect(url_for("dashboard.offline_list")), 303
    flash(f"Removed {format_money(gift.amount_minor, gift.currency)} from the total.", "info")
    return redirect(url_for("dashboard.offline_list"))
