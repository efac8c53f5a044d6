"""Helpers the views of every area share."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext

from .models import Campaign
from .services.campaigns import campaigns

NO_CAMPAIGN = lazy_gettext(
    "There is no campaign yet. Create one with: flask --app wsgi fundraiser demo"
)


def campaign_or_404() -> Campaign:
    """The drive this site runs, or a 404 that says how to create one."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        abort(404, description=str(NO_CAMPAIGN))
    return campaign
