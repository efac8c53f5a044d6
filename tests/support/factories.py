"""Rows for dashboard tests, written straight to the database (no Stripe involved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.campaigns import bump_totals

BASE_TIME = datetime(2017, 4, 20, 12, 0, tzinfo=UTC)
_counter = iter(range(1, 10**9))


def make_donation(
    campaign: Campaign, amount: int, *, status: str = "succeeded", **fields: Any
) -> Donation:
    """A donation; succeeded ones are counted in the totals as the webhook would.

    Call inside an app context; commits.
    """
    n = next(_counter)
    created = fields.pop("created_at", BASE_TIME + timedelta(minutes=n))
    donation = Donation(
        campaign_id=campaign.id,
        amount_minor=amount,
        currency=campaign.currency,
        status=status,
        stripe_payment_intent_id=fields.pop("stripe_payment_intent_id", f"pi_factory_{n}"),
        created_at=created,
        succeeded_at=created + timedelta(seconds=5) if status == "succeeded" else None,
        **fields,
    )
    db.session.add(donation)
    if status == "succeeded":
        bump_totals(campaign.id, raised=amount, donations=1)
    db.session.commit()
    return donation
