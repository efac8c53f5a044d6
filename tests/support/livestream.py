"""Helpers for the livestream tests: the overlay token, and counted gifts with messages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign, ModerationState
from fundraiser.services.livestream import overlays
from tests.support.dashboard import make_donation


def overlay_token(app: Flask, campaign: Campaign) -> str:
    """Make the campaign's overlay token (as the command line does); returns it."""
    with app.app_context():
        return overlays.rotate_token(campaign.id, None)


def message_gift(
    app: Flask,
    campaign: Campaign,
    message: str | None,
    *,
    name: str | None = None,
    public: bool = True,
    moderation: str = ModerationState.APPROVED,
    amount: int = 400,
    **fields: Any,
) -> str:
    """A counted gift with a message (and a name, shown if `public`); its public id."""
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        return make_donation(
            row,
            amount,
            message=message,
            display_name=name,
            name_public=public,
            moderation=moderation,
            **fields,
        ).public_id
