"""Pending donations made directly in the database, and the webhook that counts one."""

from __future__ import annotations

from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.donations import donations
from tests.support import stripe_events as se


def add_pending(app: Flask, campaign: Campaign, *, amount: int, intent_id: str) -> Donation:
    """A donation waiting for Stripe's word, detached from any session."""
    with app.app_context():
        donation = Donation(
            campaign_id=campaign.id,
            amount_minor=amount,
            currency=campaign.currency,
            status=donations.PENDING,
            stripe_payment_intent_id=intent_id,
        )
        db.session.add(donation)
        db.session.commit()
        db.session.refresh(donation)
        db.session.expunge(donation)
        return donation


def intent_of(donation: Donation) -> dict[str, object]:
    """The succeeded PaymentIntent that matches `donation`."""
    return se.payment_intent(
        donation.stripe_payment_intent_id or "",
        amount=donation.amount_minor,
        currency=donation.currency,
        donation_id=donation.id,
    )


def success_delivery(donation: Donation, secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a signed payment_intent.succeeded for `donation`."""
    return se.signed(se.event("payment_intent.succeeded", intent_of(donation)), secret)
