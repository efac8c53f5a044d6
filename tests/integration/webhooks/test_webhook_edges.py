"""Webhook edges: events out of order, a database that fails mid-event, a stampede.

Late and out-of-order events use real intents in localstripe, with its own
webhook pointed nowhere so the test decides what arrives when.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
import stripe
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, DonationTransition, StripeEvent
from fundraiser.services.donations import donations
from tests.support import stripe_events as se
from tests.support.attack import client_at, donate_as, intent_id, pay
from tests.support.factories import add_donation
from tests.support.harness import WEBHOOK_SECRET, LocalStripe, campaign_totals

pytestmark = pytest.mark.stripe


def deliver(client: FlaskClient, evt: dict):  # type: ignore[no-untyped-def]
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    return client.post("/stripe/webhook", data=body, headers=headers)


def row(app: Flask, donation_id: int) -> tuple[str, int]:
    with app.app_context():
        donation = db.session.get(Donation, donation_id)
        transitions = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DonationTransition)
            .where(DonationTransition.donation_id == donation_id)
        )
        return donation.status, int(transitions or 0)


def ledger_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent)) or 0)


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> Donation:
    return add_donation(app, campaign.id, stripe_payment_intent_id="pi_edges_1")


def succeeded_event(donation: Donation) -> dict:
    intent = se.payment_intent("pi_edges_1", amount=donation.amount_minor, donation_id=donation.id)
    return se.event("payment_intent.succeeded", intent)


PaidWith = Callable[[str], tuple[str, int]]


@pytest.fixture
def paid_with(
    app: Flask, campaign: Campaign, localstripe: LocalStripe, webhook_down: None
) -> PaidWith:
    """Start a £4 donation through the app, have localstripe confirm its intent with a
    test card, deliver no webhook; returns (intent id, donation row id)."""

    def pay_with(payment_method: str) -> tuple[str, int]:
        response = donate_as(client_at(app, "192.0.2.50"), amount="4")
        assert response.status_code == 200, response.json
        pay(localstripe, intent_id(response), payment_method)
        with app.app_context():
            donation_id = db.session.scalar(
                sa.select(Donation.id).where(Donation.public_id == response.json["donation"])
            )
        return intent_id(response), int(donation_id or 0)

    return pay_with


def failed_event(intent: str, donation_id: int) -> dict:
    obj = se.payment_intent(
        intent,
        amount=400,
        donation_id=donation_id,
        status="requires_payment_method",
        error="Your card was declined.",
    )
    return se.event("payment_intent.payment_failed", obj)


def test_a_late_failure_for_a_paid_intent_counts_what_stripe_holds(
    app: Flask, client: FlaskClient, paid_with: PaidWith
) -> None:
    """An earlier attempt's failure arrives after Stripe took the money, before its success."""
    intent, donation_id = paid_with("pm_card_visa")
    answer = deliver(client, failed_event(intent, donation_id))
    assert answer.status_code == 200
    assert answer.json["outcome"] == "counted"
    assert row(app, donation_id)[0] == donations.SUCCEEDED
    success = se.event("payment_intent.succeeded", se.payment_intent(intent, amount=400))
    assert deliver(client, success).json["outcome"] == "already"
    assert campaign_totals(app) == (400, 1)


def test_a_failure_stripe_agrees_with_marks_the_donation_failed(
    app: Flask, client: FlaskClient, paid_with: PaidWith, localstripe: LocalStripe
) -> None:
    intent, donation_id = paid_with("pm_card_chargeCustomerFail")
    answer = deliver(client, failed_event(intent, donation_id))
    assert answer.json["outcome"] == "marked_failed"
    assert row(app, donation_id)[0] == donations.FAILED
    assert campaign_totals(app) == (0, 0)
    # Whoever holds the declined intent's client secret can't try another card on it.
    assert localstripe.client().v1.payment_intents.retrieve(intent).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        pay(localstripe, intent, "pm_card_visa")


def test_stripe_unreachable_while_checking_a_failure_is_retried(
    app: Flask, client: FlaskClient, paid_with: PaidWith
) -> None:
    intent, donation_id = paid_with("pm_card_visa")
    evt = failed_event(intent, donation_id)
    saved = app.config["STRIPE_API_BASE"]
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"
    app.extensions.pop("stripe_client", None)
    try:
        assert deliver(client, evt).status_code >= 500
    finally:
        app.config["STRIPE_API_BASE"] = saved
        app.extensions.pop("stripe_client", None)
    assert ledger_count(app) == 0
    assert row(app, donation_id) == (donations.PENDING, 1)  # created -> pending only
    assert deliver(client, evt).json["outcome"] == "counted"
    assert campaign_totals(app) == (400, 1)


# The database itself refuses the event's effect, as a full disk or a broken
# constraint would: a trigger on the transition log, created for the test.
TRIGGERS = {
    ("sqlite", "integrity"): [
        "CREATE TRIGGER break_writes BEFORE INSERT ON donation_transition "
        "BEGIN SELECT RAISE(ABORT, 'simulated constraint failure'); END"
    ],
    ("sqlite", "operational"): [
        "CREATE TRIGGER break_writes BEFORE INSERT ON donation_transition "
        "BEGIN INSERT INTO table_that_is_gone VALUES (1); END"
    ],
    ("postgresql", "integrity"): [
        "CREATE FUNCTION break_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'simulated constraint failure' USING ERRCODE = '23514'; END $$",
        "CREATE TRIGGER break_writes BEFORE INSERT ON donation_transition "
        "FOR EACH ROW EXECUTE FUNCTION break_writes()",
    ],
    ("postgresql", "operational"): [
        "CREATE FUNCTION break_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'simulated disk full' USING ERRCODE = '53100'; END $$",
        "CREATE TRIGGER break_writes BEFORE INSERT ON donation_transition "
        "FOR EACH ROW EXECUTE FUNCTION break_writes()",
    ],
}
UNDO = {
    "sqlite": ["DROP TRIGGER IF EXISTS break_writes"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS break_writes ON donation_transition",
        "DROP FUNCTION IF EXISTS break_writes()",
    ],
}


@pytest.fixture(params=["integrity", "operational"])
def broken_database(app: Flask, request: pytest.FixtureRequest) -> Iterator[callable]:  # type: ignore[valid-type]
    """Break writes to the transition log; yields a function that mends them."""
    with app.app_context():
        dialect = db.engine.dialect.name

    def run(statements: list[str]) -> None:
        with app.app_context(), db.engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)

    run(TRIGGERS[(dialect, request.param)])
    try:
        yield lambda: run(UNDO[dialect])
    finally:
        run(UNDO[dialect])


def test_a_database_error_mid_event_answers_5xx_and_the_retry_counts_once(
    app: Flask,
    client: FlaskClient,
    pending: Donation,
    broken_database: callable,  # type: ignore[valid-type]
) -> None:
    evt = succeeded_event(pending)
    response = deliver(client, evt)
    assert response.status_code == 500, response.json  # so Stripe retries
    assert ledger_count(app) == 0
    assert row(app, pending.id) == (donations.PENDING, 0)
    assert campaign_totals(app) == (0, 0)
    broken_database()  # the disk is replaced; Stripe retries
    assert deliver(client, evt).json["outcome"] == "counted"
    assert deliver(client, evt).json["outcome"] == "duplicate"
    assert campaign_totals(app) == (400, 1)
    assert row(app, pending.id) == (donations.SUCCEEDED, 1)


def test_twenty_simultaneous_deliveries_count_once(app: Flask, pending: Donation) -> None:
    evt = succeeded_event(pending)
    barrier = threading.Barrier(20)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def deliver_at_once() -> None:
        barrier.wait()
        response = deliver(app.test_client(), evt)
        with lock:
            answers.append((response.status_code, response.json["outcome"]))

    threads = [threading.Thread(target=deliver_at_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == sorted([(200, "counted")] + [(200, "duplicate")] * 19)
    assert campaign_totals(app) == (400, 1)
    assert ledger_count(app) == 1
    assert row(app, pending.id) == (donations.SUCCEEDED, 1)
