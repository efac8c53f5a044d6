"""Small helpers the dashboard views share."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..models import Campaign, Organiser
from ..services import campaigns


def campaign_or_404() -> Campaign:
    campaign = campaigns.current_campaign()
    if campaign is None:
        abort(
            404,
            description="There is no campaign yet. Create one with: flask --app wsgi fundraiser demo",
        )
    return campaign


def organiser() -> Organiser:
    """The logged-in organiser as a model object (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1
