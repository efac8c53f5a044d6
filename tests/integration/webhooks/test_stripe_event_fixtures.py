"""Money from Stripe's real event shapes: refunds that fail, inquiries, reinstated and
appealed disputes, and events from the other mode.

Each sequence is posted signed, step by step, with the exact `raised` asserted
after every step; then the same events are posted in reverse order and again
(repeats), and must end on the same total.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, StripeEvent
from fundraiser.services.donations import donations
from tests.support import stripe_fixtures as fx
from tests.support.harness import WEBHOOK_SECRET, campaign_totals


@pytest.fixture
def donation_id(app: Flask, campaign: Campaign) -> int:
    """A pending £20 donation whose intent the fixtures name."""
    with app.app_context():
        donation = Donation(
            campaign_id=campaign.id,
            amount_minor=fx.AMOUNT,
            currency="gbp",
            status=donations.PENDING,
            stripe_payment_intent_id=fx.INTENT,
        )
        db.session.add(donation)
        db.session.commit()
        return donation.id


def raised(app: Flask) -> int:
    return campaign_totals(app)[0]


def pay(app: Flask, client: FlaskClient, donation_id: int) -> None:
    [succeeded] = fx.events("payment_succeeded.endive", donation_id=donation_id)
    assert fx.post(client, succeeded, WEBHOOK_SECRET)["outcome"] == "counted"
    assert raised(app) == 2000


# (fixture, raised after each of its events, in Stripe's order)
SEQUENCES = [
    ("refund_created_then_failed.endive", [0, 0, 2000]),
    ("refund_updated_failed.endive", [1500, 2000]),
    ("inquiry.endive", [2000, 2000, 2000]),
    ("dispute_reinstated_under_review.endive", [0, 0, 0, 2000]),
    ("dispute_partly_reinstated.endive", [0, 0, 800]),
    ("dispute_lost_appealed_won.endive", [0, 0, 0, 0, 2000, 2000]),
    ("refund_then_failed.2019-12-03", [1300, 2000]),
    ("dispute_lost.2019-12-03", [0, 0]),
]


@pytest.mark.parametrize(("name", "after_each"), SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_sequence_counts_right_after_every_step(
    app: Flask, client: FlaskClient, donation_id: int, name: str, after_each: list[int]
) -> None:
    pay(app, client, donation_id)
    steps = fx.events(name, donation_id=donation_id)
    assert len(steps) == len(after_each)
    for event, expected in zip(steps, after_each, strict=True):
        fx.post(client, event, WEBHOOK_SECRET)
        assert raised(app) == expected, f"after {event['type']} ({event['id']})"
    # Every repeat is a duplicate and changes nothing.
    for event in steps:
        assert fx.post(client, event, WEBHOOK_SECRET)["outcome"] == "duplicate"
    assert raised(app) == after_each[-1]


@pytest.mark.parametrize(("name", "after_each"), SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_any_order_ends_on_the_same_total(
    app: Flask, client: FlaskClient, donation_id: int, name: str, after_each: list[int]
) -> None:
    """Reversed, with the payment's success last: the same end as in Stripe's order."""
    steps = fx.events(name, donation_id=donation_id)
    for event in reversed(steps):
        fx.post(client, event, WEBHOOK_SECRET)
    assert raised(app) == 0  # nothing counted before the payment itself
    pay_events = fx.events("payment_succeeded.endive", donation_id=donation_id)
    assert fx.post(client, pay_events[0], WEBHOOK_SECRET)["outcome"] == "counted"
    assert raised(app) == after_each[-1]


def test_events_from_the_other_mode_are_recorded_and_count_nothing(
    app: Flask, client: FlaskClient, donation_id: int
) -> None:
    live_success, live_refund = fx.events("livemode_mismatch.endive", donation_id=donation_id)
    answer = fx.post(client, live_success, WEBHOOK_SECRET)
    assert answer["outcome"] == "wrong_mode"
    assert campaign_totals(app) == (0, 0)
    pay(app, client, donation_id)
    fx.post(client, live_refund, WEBHOOK_SECRET)
    assert raised(app) == 2000
    with app.app_context():
        outcomes = dict(
            db.session.execute(sa.select(StripeEvent.id, StripeEvent.outcome_code)).all()
        )
    assert outcomes[live_success["id"]] == outcomes[live_refund["id"]] == "wrong_mode"


def test_test_mode_events_count_nothing_on_live_keys(
    app: Flask, client: FlaskClient, donation_id: int
) -> None:
    [succeeded] = fx.events("payment_succeeded.endive", donation_id=donation_id)
    app.config["STRIPE_SECRET_KEY"] = "sk_live_fixture"
    try:
        assert fx.post(client, succeeded, WEBHOOK_SECRET)["outcome"] == "wrong_mode"
    finally:
        app.config["STRIPE_SECRET_KEY"] = "sk_test_local"
    assert campaign_totals(app) == (0, 0)
