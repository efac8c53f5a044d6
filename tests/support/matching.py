"""Gifts started through POST /donate (so the running match tags them) and match figures."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, GiftMatch, Organiser
from fundraiser.services.matching import matching
from tests.support.harness import ORGANISER_EMAIL
from tests.support.http import donate


def started(app: Flask, amount: str) -> Donation:
    """A gift started as a donor starts one (a fresh browser), pending at localstripe; detached."""
    response = donate(app.test_client(), amount=amount)
    assert response.status_code == 200, response.json
    intent_id = response.json["client_secret"].split("_secret_")[0]
    with app.app_context():
        donation = db.session.scalar(
            sa.select(Donation).where(Donation.stripe_payment_intent_id == intent_id)
        )
        assert donation is not None
        db.session.expunge(donation)
        return donation


def the_organiser() -> Organiser:
    """The fixture's organiser (call inside an app context)."""
    found = db.session.scalar(sa.select(Organiser).where(Organiser.email == ORGANISER_EMAIL))
    assert found is not None
    return found


def add_match(
    app: Flask, campaign: Campaign, *, cap: int, starts: datetime, ends: datetime, name: str = "Ada"
) -> int:
    with app.app_context():
        entry = matching.MatchEntry(
            matcher_name=name, cap_minor=cap, starts_at=starts, ends_at=ends
        )
        row = db.session.get_one(Campaign, campaign.id)
        return matching.add(row, entry, the_organiser()).id


def figures(app: Flask, match_id: int) -> dict[str, int]:
    """The match's and campaign's money, read fresh: raised, matched, gifts, promised, received."""
    with app.app_context():
        match = db.session.get_one(GiftMatch, match_id)
        campaign = db.session.get_one(Campaign, match.campaign_id)
        return {
            "raised": campaign.raised_minor,
            "matched": campaign.matched_minor,
            "gifts": match.gifts_minor,
            "promised": match.promised_minor,
            "received": match.received_minor,
        }
