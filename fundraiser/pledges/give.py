"""Organisers' tracked links: /give/<code> opens the donate form preset for that link."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..donate_form import DonateForm
from ..extensions import db
from ..models import Campaign
from ..services.campaigns import campaigns
from ..services.links import links
from . import bp


@bp.get("/give/<code>")
def give(code: str) -> ResponseReturnValue:
    """The campaign page with the link's amount chosen and its source label on the form.

    An unknown code falls back to the plain campaign page.
    """
    link = links.open_link(code)
    campaign = db.session.get(Campaign, link.campaign_id) if link else None
    if link is None or campaign is None:
        return redirect(url_for("public.campaign_page"))
    return render_template(
        "campaign.html",
        campaign=campaign,
        progress=campaigns.progress(campaign),
        form=DonateForm(campaign, source=link.label),
        preset_amount=link.amount_minor,
    )
