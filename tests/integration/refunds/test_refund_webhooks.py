"""Refunds and disputes from Stripe's side, as signed webhook deliveries.

Each refund id lowers `raised` once whatever the order or number of
deliveries; a dispute takes the money out until it is won.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Dispute, Donation, Refund
from fundraiser.services.donations import donations
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.harness import WEBHOOK_SECRET, campaign_totals

INTENT = "pi_refund_test_1"


def deliver(client: FlaskClient, event_type: str, obj: dict, **kw: object) -> dict:
    evt = se.event(event_type, obj, **kw)  # type: ignore[arg-type]
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def succeed(client: FlaskClient, donation: Donation) -> None:
    obj = se.payment_intent(INTENT, amount=donation.amount_minor, donation_id=donation.id)
    assert deliver(client, "payment_intent.succeeded", obj)["outcome"] == "counted"


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> Donation:
    with app.app_context():
        donation = Donation(
            campaign_id=campaign.id,
            amount_minor=2000,
            currency="gbp",
            status=donations.PENDING,
            stripe_payment_intent_id=INTENT,
        )
        db.session.add(donation)
        db.session.commit()
        db.session.refresh(donation)
        db.session.expunge(donation)
        return donation


@pytest.fixture
def paid(client: FlaskClient, pending: Donation, app: Flask) -> Donation:
    succeed(client, pending)
    assert campaign_totals(app) == (2000, 1)
    return pending


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_refund_event_delivered_three_times_lowers_the_total_once(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    obj = re_.refund(INTENT, 700, refund_id="re_once")
    evt = se.event("refund.created", obj, event_id="evt_refund_once")
    outcomes = []
    for _ in range(3):
        body, headers = se.signed(evt, WEBHOOK_SECRET)
        outcomes.append(client.post("/stripe/webhook", data=body, headers=headers).json["outcome"])
    assert outcomes[1:] == ["duplicate", "duplicate"]
    assert campaign_totals(app) == (1300, 1)
    # The same refund in other events (new event ids) still counts once.
    deliver(client, "refund.updated", obj)
    deliver(client, "charge.refund.updated", obj)
    deliver(client, "charge.refunded", re_.charge(INTENT, 2000, amount_refunded=700, refunds=[obj]))
    assert campaign_totals(app) == (1300, 1)
    assert count(app, Refund) == 1


@pytest.mark.parametrize("charge_first", [True, False])
def test_charge_refunded_and_refund_created_in_either_order_count_once(
    app: Flask, client: FlaskClient, paid: Donation, charge_first: bool
) -> None:
    # Since API 2022-11-15 the charge carries no refunds list: only its total.
    charge = re_.charge(INTENT, 2000, amount_refunded=2000)
    refund = re_.refund(INTENT, 2000, refund_id="re_full")
    pair = [("charge.refunded", charge), ("refund.created", refund)]
    for event_type, obj in pair if charge_first else reversed(pair):
        deliver(client, event_type, obj)
        assert campaign_totals(app) == (0, 1)


def test_partial_refunds_add_up_and_never_exceed_the_gift(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    first = re_.refund(INTENT, 500, refund_id="re_a")
    second = re_.refund(INTENT, 800, refund_id="re_b")
    deliver(client, "refund.created", first)
    assert campaign_totals(app) == (1500, 1)
    deliver(client, "refund.created", second)
    assert campaign_totals(app) == (700, 1)
    # The charge's own running total agrees and adds nothing.
    now = int(time.time())
    evt = se.event("charge.refunded", re_.charge(INTENT, 2000, amount_refunded=1300))
    evt["created"] = now
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    client.post("/stripe/webhook", data=body, headers=headers)
    assert campaign_totals(app) == (700, 1)
    # An (impossible) over-refund is capped at what the donation gave.
    deliver(client, "refund.created", re_.refund(INTENT, 5000, refund_id="re_c"))
    assert campaign_totals(app) == (0, 1)


def test_refund_that_fails_later_gives_the_money_back(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    deliver(client, "refund.created", re_.refund(INTENT, 2000, refund_id="re_f", status="pending"))
    assert campaign_totals(app) == (0, 1)
    deliver(client, "refund.failed", re_.refund(INTENT, 2000, refund_id="re_f", status="failed"))
    assert campaign_totals(app) == (2000, 1)
    # A late "pending" for the same refund cannot undo the failure.
    deliver(client, "refund.updated", re_.refund(INTENT, 2000, refund_id="re_f", status="pending"))
    assert campaign_totals(app) == (2000, 1)


def test_refund_before_the_success_is_taken_out_when_the_success_lands(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    deliver(client, "refund.created", re_.refund(INTENT, 600, refund_id="re_early"))
    assert campaign_totals(app) == (0, 0), "nothing counted yet, nothing to take out"
    succeed(client, pending)
    assert campaign_totals(app) == (1400, 1)


def test_dispute_takes_the_money_out_until_won(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    deliver(client, "charge.dispute.created", re_.dispute(INTENT, 2000))
    assert campaign_totals(app) == (0, 1)
    deliver(client, "charge.dispute.updated", re_.dispute(INTENT, 2000, status="under_review"))
    assert campaign_totals(app) == (0, 1)
    deliver(client, "charge.dispute.closed", re_.dispute(INTENT, 2000, status="won"))
    assert campaign_totals(app) == (2000, 1)
    # A late "created" cannot reopen a closed dispute.
    deliver(client, "charge.dispute.created", re_.dispute(INTENT, 2000))
    assert campaign_totals(app) == (2000, 1)
    assert count(app, Dispute) == 1


def test_lost_dispute_keeps_the_money_out(app: Flask, client: FlaskClient, paid: Donation) -> None:
    deliver(client, "charge.dispute.closed", re_.dispute(INTENT, 2000, status="lost"))
    assert campaign_totals(app) == (0, 1)
    deliver(client, "charge.dispute.created", re_.dispute(INTENT, 2000))
    assert campaign_totals(app) == (0, 1)


def test_events_for_unknown_payments_or_other_currencies_change_nothing(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    assert (
        deliver(client, "refund.created", re_.refund("pi_someone_else", 500))["outcome"]
        == "no_match"
    )
    assert (
        deliver(client, "refund.created", re_.refund(INTENT, 500, currency="usd"))["outcome"]
        == "mismatch"
    )
    assert deliver(client, "refund.created", {"id": "re_x"})["outcome"] == "malformed"
    assert campaign_totals(app) == (2000, 1)
    assert count(app, Refund) == 0


def test_concurrent_events_for_one_donation_count_each_refund_once(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    """Twelve deliveries at once: four refunds, each in three different events."""
    refunds = [re_.refund(INTENT, 100 * (n + 1), refund_id=f"re_conc_{n}") for n in range(4)]
    deliveries = []
    for obj in refunds:
        for event_type in ("refund.created", "refund.updated", "charge.refund.updated"):
            deliveries.append(se.signed(se.event(event_type, obj), WEBHOOK_SECRET))
    barrier = threading.Barrier(len(deliveries))
    codes: list[int] = []

    def send(body: bytes, headers: dict[str, str]) -> None:
        own = app.test_client()
        barrier.wait()
        codes.append(own.post("/stripe/webhook", data=body, headers=headers).status_code)

    threads = [threading.Thread(target=send, args=d) for d in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [200] * len(deliveries)
    assert campaign_totals(app) == (2000 - 1000, 1)
    assert count(app, Refund) == 4


def test_every_change_is_signalled_for_other_totals(
    app: Flask, client: FlaskClient, paid: Donation
) -> None:
    """Other derived totals (a team's, say) follow refunds through `donation_deducted`."""
    from fundraiser import signals

    seen: list[tuple[int, int]] = []

    def receiver(donation: Donation, change: int) -> None:
        seen.append((donation.id, change))

    signals.donation_deducted.connect(receiver)
    try:
        obj = re_.refund(INTENT, 500, refund_id="re_sig")
        deliver(client, "refund.created", obj)
        deliver(client, "refund.updated", obj)
        deliver(client, "charge.dispute.created", re_.dispute(INTENT, 2000))
        deliver(client, "charge.dispute.closed", re_.dispute(INTENT, 2000, status="won"))
    finally:
        signals.donation_deducted.disconnect(receiver)
    assert seen == [(paid.id, 500), (paid.id, 1500), (paid.id, -1500)]
    assert campaign_totals(app) == (1500, 1)
