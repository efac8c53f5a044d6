"""Helpers the views of every area share."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext

from .errors import UserError
from .models import Campaign
from .services import campaigns
from .services.scope import ScopeError
from .services.tokens import TokenGone

NO_CAMPAIGN = lazy_gettext(
    "There is no campaign yet. Create one with: flask --app wsgi fundraiser demo"
)


def status_for(exc: UserError) -> int:
    """The HTTP status a refusal answers with, chosen here rather than by the service.

    410 for a link that has expired or been used up, 403 for an organiser
    acting outside their team, 400 for everything else a person got wrong.
    """
    if isinstance(exc, TokenGone):
        return 410
    if isinstance(exc, ScopeError):
        return 403
    return 400


def campaign_or_404() -> Campaign:
    """The drive this site runs, or a 404 that says how to create one."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        abort(404, description=str(NO_CAMPAIGN))
    return campaign
