"""Rows for tests, committed and detached: donations (also counted through signed
webhooks) and teams."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Team
from fundraiser.payments import stripe_gateway
from fundraiser.services.donations import donations
from fundraiser.services.teams import teams
from tests.support import stripe_events as se
from tests.support.harness import WEBHOOK_SECRET
from tests.support.http import donate


def add_donation(app: Flask, campaign_id: int, **fields: Any) -> Donation:
    """A £4 pending donation for the campaign, with `fields` overriding any column (detached)."""
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


def pending_donation(
    app: Flask,
    campaign_id: int,
    *,
    amount: int,
    team_id: int | None = None,
    fee_cover: int = 0,
    **fields: Any,
) -> Donation:
    """A pending donation with its own intent id, as /donate leaves it (detached)."""
    return add_donation(
        app,
        campaign_id,
        amount_minor=amount,
        fee_cover_minor=fee_cover,
        team_id=team_id,
        stripe_payment_intent_id="pi_test_" + secrets.token_hex(8),
        **fields,
    )


def deliver(client: FlaskClient, evt: dict[str, Any]) -> TestResponse:
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    return client.post("/stripe/webhook", data=body, headers=headers)


def succeeded_event(donation: Donation, amount: int | None = None) -> dict[str, Any]:
    """Stripe's payment_intent.succeeded for `donation`, charged `amount` (default: the charge)."""
    obj = se.payment_intent(
        donation.stripe_payment_intent_id or "",
        amount=donation.charge_minor if amount is None else amount,
        donation_id=donation.id,
    )
    return se.event("payment_intent.succeeded", obj)


def give(app: Flask, client: FlaskClient, campaign_id: int, amount: int, **kw: Any) -> Donation:
    """A donation counted through a signed webhook, as a paid one would be."""
    donation = pending_donation(app, campaign_id, amount=amount, **kw)
    response = deliver(client, succeeded_event(donation))
    assert response.json["outcome"] == "counted", response.json
    return donation


def set_deadline(app: Flask, deadline: datetime | None) -> None:
    """Move every campaign's deadline (tests have one campaign)."""
    with app.app_context():
        db.session.execute(sa.update(Campaign).values(deadline=deadline))
        db.session.commit()


def paid_donation(app: Flask, amount: str = "20.00", **fields: Any) -> Donation:
    """A donation paid with a test card at localstripe and counted by its signed webhook.

    `fields` go into the donate request (e.g. `team="glasgow"`); detached.
    """
    donor = app.test_client()
    response = donate(donor, amount=amount, display_name="Sam", email="sam@example.org", **fields)
    assert response.status_code == 200, response.json
    intent_id = response.json["client_secret"].split("_secret_")[0]
    with app.app_context():
        assert stripe_gateway.emulator_confirm(intent_id, "pm_card_visa")["status"] == "succeeded"
        donation = db.session.scalar(
            sa.select(Donation).where(Donation.stripe_payment_intent_id == intent_id)
        )
        db.session.expunge(donation)
    assert deliver(donor, succeeded_event(donation)).json["outcome"] == "counted"
    return donation


def make_team(app: Flask, campaign_id: int, name: str, **kw: Any) -> Team:
    """A team created through the service, as the CLI and dashboard do (detached)."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        team = teams.create_team(campaign, name=name, **kw)
        db.session.refresh(team)
        db.session.expunge(team)
        return team
