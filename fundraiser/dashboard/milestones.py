"""Milestones and the cost per person: add, remove, set."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from ..i18n import organiser_text
from ..models import Campaign
from ..money import format_decimal, format_money
from ..services.milestones import milestones
from . import bp
from .common import campaign_or_404, organiser
from .impact_forms import CostForm, MilestoneForm


def _render(
    campaign: Campaign, form: MilestoneForm, cost_form: CostForm, code: int = 200
) -> ResponseReturnValue:
    rows = milestones.listing(campaign)
    return render_template(
        "dashboard/milestones.html",
        campaign=campaign,
        form=form,
        cost_form=cost_form,
        milestones=rows,
        untranslated={m.id: organiser_text.missing(m, ("label",)) for m in rows},
        summary=milestones.summary(campaign),
    ), code


def _cost_form(campaign: Campaign) -> CostForm:
    form = CostForm(campaign.currency, formdata=None)
    if campaign.cost_per_person_minor:
        form.cost.data = format_decimal(campaign.cost_per_person_minor, campaign.currency)
    return form


@bp.route("/milestones", methods=["GET", "POST"])
def milestones_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = MilestoneForm(campaign.currency)
    if not form.is_submitted():
        return _render(campaign, form, _cost_form(campaign))
    if not form.validate():
        flash(form.first_error(), "error")
        return _render(campaign, form, _cost_form(campaign), 400)
    try:
        milestones.add(
            campaign,
            form.amount_minor,
            form.label.data or "",
            form.label_ru.data or "",
            organiser(),
        )
    except milestones.MilestoneError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(campaign, form, _cost_form(campaign), 400)
    flash(f"Added the milestone at {format_money(form.amount_minor, campaign.currency)}.", "info")
    return redirect(url_for("dashboard.milestones_page"))


@bp.post("/milestones/<int:milestone_id>/remove")
def milestone_remove(milestone_id: int) -> ResponseReturnValue:
    campaign = campaign_or_404()
    try:
        milestones.remove(campaign, milestone_id, organiser())
    except milestones.MilestoneError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(
            campaign, MilestoneForm(campaign.currency, formdata=None), _cost_form(campaign), 400
        )
    flash("Removed the milestone.", "info")
    return redirect(url_for("dashboard.milestones_page"))


@bp.post("/milestones/cost")
def milestones_cost() -> ResponseReturnValue:
    campaign = campaign_or_404()
    cost_form = CostForm(campaign.currency)
    if not cost_form.validate():
        flash(cost_form.first_error(), "error")
        return _render(campaign, MilestoneForm(campaign.currency, formdata=None), cost_form, 400)
    milestones.set_cost_per_person(campaign, cost_form.cost_minor, organiser())
    flash(
        "Cleared the cost per person."
        if cost_form.cost_minor is None
        else f"Set the cost per person to {format_money(cost_form.cost_minor, campaign.currency)}.",
        "info",
    )
    return redirect(url_for("dashboard.milestones_page"))
