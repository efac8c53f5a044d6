"""The webhook and its ledger, with signed events built here with the secret."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, StripeEvent
from fundraiser.services.donations import donations
from fundraiser.webhooks import ledger
from tests.support import stripe_events as se
from tests.support.factories import add_donation
from tests.support.harness import WEBHOOK_SECRET, campaign_totals


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> Donation:
    return add_donation(app, campaign.id, stripe_payment_intent_id="pi_hook_1")


def deliver(
    client: FlaskClient, evt: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
):
    body, headers = se.signed(evt, secret, timestamp)
    return client.post("/stripe/webhook", data=body, headers=headers)


def succeeded(donation: Donation, **kw: object) -> dict:
    obj = se.payment_intent(
        donation.stripe_payment_intent_id or "",
        amount=donation.amount_minor,
        donation_id=donation.id,
    )
    return se.event("payment_intent.succeeded", obj, **kw)  # type: ignore[arg-type]


def ledger_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent)) or 0)


def status_of(app: Flask, donation_id: int) -> str:
    with app.app_context():
        return db.session.get(Donation, donation_id).status


def test_success_counts(app: Flask, client: FlaskClient, pending: Donation) -> None:
    response = deliver(client, succeeded(pending))
    assert response.status_code == 200
    assert response.json["outcome"] == "counted"
    assert status_of(app, pending.id) == donations.SUCCEEDED
    assert campaign_totals(app) == (400, 1)
    assert client.get("/api/progress").json["raised"] == 400


def test_same_event_five_times_counts_once(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    evt = succeeded(pending)
    outcomes = [deliver(client, evt).json["outcome"] for _ in range(5)]
    assert outcomes == ["counted"] + ["duplicate"] * 4
    assert campaign_totals(app) == (400, 1)
    assert ledger_count(app) == 1


def test_two_events_for_one_payment_count_once(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    deliver(client, succeeded(pending))
    assert deliver(client, succeeded(pending)).json["outcome"] == "already"
    assert campaign_totals(app) == (400, 1)


def test_concurrent_duplicates_count_once(app: Flask, pending: Donation) -> None:
    evt = succeeded(pending)
    results: list[int] = []
    barrier = threading.Barrier(8)

    def hit() -> None:
        barrier.wait()
        results.append(deliver(app.test_client(), evt).status_code)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    assert campaign_totals(app) == (400, 1)
    assert ledger_count(app) == 1


def test_failure_delivered_after_success_keeps_success(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    failure = se.event(
        "payment_intent.payment_failed",
        se.payment_intent(
            "pi_hook_1",
            amount=400,
            donation_id=pending.id,
            status="requires_payment_method",
            error="Your card was declined.",
        ),
    )
    deliver(client, succeeded(pending))
    assert deliver(client, failure).json["outcome"] == "already"
    assert status_of(app, pending.id) == donations.SUCCEEDED
    assert campaign_totals(app) == (400, 1)


def test_failure_then_success_ends_succeeded(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    failure = se.event(
        "payment_intent.payment_failed",
        se.payment_intent(
            "pi_hook_1",
            amount=400,
            donation_id=pending.id,
            status="requires_payment_method",
            error="Your card was declined.",
        ),
    )
    assert deliver(client, failure).json["outcome"] == "marked_failed"
    assert status_of(app, pending.id) == donations.FAILED
    assert deliver(client, succeeded(pending)).json["outcome"] == "counted"
    assert campaign_totals(app) == (400, 1)


def test_unknown_type_gets_200_and_writes_nothing(
    app: Flask, client: FlaskClient, pending: Donation
) -> None:
    response = deliver(client, se.event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored"
    assert ledger_count(app) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Stripe-Signature": "t=1,v1=deadbeef"},
        {"Stripe-Signature": "garbage"},
    ],
)
def test_bad_or_missing_signature_is_400_and_writes_nothing(
    app: Flask, client: FlaskClient, pending: Donation, headers: dict[str, str]
) -> None:
    body = json.dumps(succeeded(pending)).encode()
    response = client.post(
        "/stripe/webhook", data=body, headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == 400
    assert "signature" in response.json["error"].lower()
    assert ledger_count(app) == 0
    assert campaign_totals(app) == (0, 0)


def test_wrong_secret_is_refused(app: Flask, client: FlaskClient, pending: Donation) -> None:
    assert deliver(client, succeeded(pending), secret="whsec_wrong").status_code == 400
    assert campaign_totals(app) == (0, 0)


@pytest.mark.parametrize("skew", [-301, 301])
def test_signature_outside_five_minutes_is_refused(
    app: Flask, client: FlaskClient, pending: Donation, skew: int
) -> None:
    response = deliver(client, succeeded(pending), timestamp=int(time.time()) + skew)
    assert response.status_code == 400
    assert campaign_totals(app) == (0, 0)


def test_tampered_body_is_refused(app: Flask, client: FlaskClient, pending: Donation) -> None:
    body, headers = se.signed(succeeded(pending), WEBHOOK_SECRET)
    tampered = body.replace(b'"amount": 400', b'"amount": 40000')
    assert tampered != body
    assert client.post("/stripe/webhook", data=tampered, headers=headers).status_code == 400


def test_amount_mismatch_is_not_counted(app: Flask, client: FlaskClient, pending: Donation) -> None:
    evt = se.event(
        "payment_intent.succeeded", se.payment_intent("pi_hook_1", amount=1, donation_id=pending.id)
    )
    response = deliver(client, evt)
    assert response.status_code == 200
    assert response.json["outcome"] == "mismatch"
    assert status_of(app, pending.id) == donations.PENDING
    assert campaign_totals(app) == (0, 0)


def test_handler_error_rolls_back_and_retry_counts_once(
    app: Flask, client: FlaskClient, pending: Donation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure mid-event answers 5xx (Stripe retries) and leaves no ledger row."""
    real = ledger.HANDLERS["payment_intent.succeeded"]

    def broken(event: dict) -> str:
        real(event)  # the effect is written, then the "database" fails
        raise RuntimeError("connection lost")

    monkeypatch.setitem(ledger.HANDLERS, "payment_intent.succeeded", broken)
    evt = succeeded(pending)
    assert deliver(client, evt).status_code == 500
    assert ledger_count(app) == 0
    assert campaign_totals(app) == (0, 0)
    monkeypatch.setitem(ledger.HANDLERS, "payment_intent.succeeded", real)
    assert deliver(client, evt).json["outcome"] == "counted"
    assert campaign_totals(app) == (400, 1)


def _after_look_up(monkeypatch: pytest.MonkeyPatch, meanwhile: object) -> None:
    """Run `meanwhile` (another writer) between the look-up and the write transaction."""
    real = ledger.LOOK_UPS["payment_intent.succeeded"]

    def look_up_then_race(event: dict) -> None:
        real(event)
        meanwhile()  # type: ignore[operator]

    monkeypatch.setitem(ledger.LOOK_UPS, "payment_intent.succeeded", look_up_then_race)


def test_a_status_changed_after_the_look_up_is_read_again(
    app: Flask, client: FlaskClient, pending: Donation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up runs outside the write transaction; what it read is only a first guess."""

    def fail_it() -> None:
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(Donation.__table__)
                .where(Donation.__table__.c.id == pending.id)
                .values(status=donations.FAILED)
            )

    _after_look_up(monkeypatch, fail_it)
    assert deliver(client, succeeded(pending)).json["outcome"] == "counted"
    assert status_of(app, pending.id) == donations.SUCCEEDED
    assert campaign_totals(app) == (400, 1)
    with app.app_context():
        moves = db.session.execute(
            sa.text(
                "SELECT from_status, to_status FROM donation_transition WHERE donation_id = :d"
            ),
            {"d": pending.id},
        ).all()
    assert [tuple(m) for m in moves] == [(donations.FAILED, donations.SUCCEEDED)]


def test_a_success_counted_after_the_look_up_is_not_counted_twice(
    app: Flask, client: FlaskClient, pending: Donation, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = succeeded(pending)
    _after_look_up(monkeypatch, lambda: monkeypatch.undo() or deliver(client, first))
    response = deliver(client, succeeded(pending))
    assert response.json["outcome"] == "already"
    assert response.json["detail"] == "already succeeded"
    assert campaign_totals(app) == (400, 1)
    assert ledger_count(app) == 2
