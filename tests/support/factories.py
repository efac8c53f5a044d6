"""Rows for tests, committed and detached so tests can read them after the session ends."""

from __future__ import annotations

from typing import Any

from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Donation
from fundraiser.services import donations


def add_donation(app: Flask, campaign_id: int, **fields: Any) -> Donation:
    """A £4 pending donation for the campaign, with `fields` overriding any column."""
    values: dict[str, Any] = {
        "campaign_id": campaign_id,
        "amount_minor": 400,
        "currency": "gbp",
        "status": donations.PENDING,
        **fields,
    }
    with app.app_context():
        donation = Donation(**values)
        db.session.add(donation)
        db.session.commit()
        db.session.refresh(donation)
        db.session.expunge(donation)
        return donation
