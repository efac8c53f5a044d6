"""The alerts overlay's feed: webhook-counted gifts only, each once, after an id, conditional."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, ModerationState
from fundraiser.services.livestream import overlays
from fundraiser.webhooks import ledger
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.donations import add_pending, intent_of
from tests.support.harness import WEBHOOK_SECRET, campaign_totals


def deliver(client: FlaskClient, event: dict) -> dict:
    body, headers = se.signed(event, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def succeeded(donation: Donation) -> dict:
    return se.event("payment_intent.succeeded", intent_of(donation))


@pytest.fixture
def feed(app: Flask, campaign: Campaign) -> str:
    with app.app_context():
        return f"/overlay/{overlays.rotate_token(campaign.id, None)}/alerts.json"


def test_each_webhook_counted_gift_once_in_order_and_nothing_for_refunds(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    start = client.get(feed)
    assert start.json == {"newest": 0, "alerts": []}
    assert "Set-Cookie" not in start.headers and start.headers["Cache-Control"] == "no-store"

    pint = add_pending(app, campaign, amount=400, intent_id="pi_alert_1")
    round_ = add_pending(app, campaign, amount=2000, intent_id="pi_alert_2")
    first = succeeded(pint)
    deliver(client, first)
    deliver(client, first)  # Stripe's retry of the same event
    deliver(client, se.event("payment_intent.succeeded", intent_of(pint)))  # a second event id
    deliver(client, succeeded(round_))
    assert campaign_totals(app) == (2400, 2)

    body = client.get(feed + "?after=0").json
    assert [(a["amount"], a["tier"]) for a in body["alerts"]] == [
        (400, "a pint"),
        (2000, "a round"),
    ]
    ids = [a["id"] for a in body["alerts"]]
    assert ids == sorted(ids) and body["newest"] == ids[-1]
    assert client.get(f"{feed}?after={ids[0]}").json["alerts"][0]["id"] == ids[1]
    assert client.get(feed).json == {"newest": ids[-1], "alerts": []}, "no after: no replay"

    refund = re_.refund("pi_alert_2", 2000)
    deliver(
        client,
        se.event(
            "charge.refunded",
            re_.charge("pi_alert_2", 2000, amount_refunded=2000, refunds=[refund]),
        ),
    )
    deliver(client, se.event("charge.dispute.created", re_.dispute("pi_alert_1", 400)))
    assert campaign_totals(app)[0] < 2400
    assert client.get(feed + "?after=0").json["newest"] == ids[-1], (
        "refunds and disputes never alert"
    )


def test_reconcile_counts_the_money_but_does_not_alert(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    late = add_pending(app, campaign, amount=700, intent_id="pi_alert_late")
    with app.app_context():
        assert ledger.process_event(succeeded(late), source="reconcile").code == "counted"
    assert campaign_totals(app) == (700, 1)
    assert client.get(feed + "?after=0").json == {"newest": 0, "alerts": []}


def test_name_and_message_only_once_approved(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    named = add_pending(app, campaign, amount=400, intent_id="pi_alert_named")
    hidden_name = add_pending(app, campaign, amount=400, intent_id="pi_alert_anon")
    with app.app_context():
        for donation, public in ((named, True), (hidden_name, False)):
            row = db.session.get_one(Donation, donation.id)
            row.display_name, row.name_public, row.message = "Ada", public, "Go on!"
            row.moderation = ModerationState.PENDING
        db.session.commit()
    deliver(client, succeeded(named))
    deliver(client, succeeded(hidden_name))
    pending = client.get(feed + "?after=0").json["alerts"]
    assert [(a["name"], a["message"]) for a in pending] == [(None, None), (None, None)]
    with app.app_context():
        for donation in (named, hidden_name):
            db.session.get_one(Donation, donation.id).moderation = ModerationState.APPROVED
        db.session.commit()
    approved = client.get(feed + "?after=0").json["alerts"]
    assert [(a["name"], a["message"]) for a in approved] == [("Ada", "Go on!"), (None, "Go on!")]
    assert all(
        set(a) == {"id", "amount", "currency", "tier", "name", "message", "milestones"}
        for a in approved
    )


def test_conditional_cheap_and_strict_about_input(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    first = client.get(feed + "?after=0")
    again = client.get(feed + "?after=0", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    deliver(client, succeeded(add_pending(app, campaign, amount=400, intent_id="pi_alert_etag")))
    moved = client.get(feed + "?after=0", headers={"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200 and len(moved.json["alerts"]) == 1
    for bad in ("-1", "x", "1.5", "9" * 30, ""):
        assert client.get(f"{feed}?after={bad}").status_code == 400, bad
    wrong = client.get(feed.replace("/overlay/", "/overlay/x") + "?after=0")
    assert wrong.status_code == 404 and wrong.get_data() == b""
    assert client.get(feed.replace(".json", "")).status_code == 200
    assert (
        client.get(feed.replace("/overlay/", "/overlay/x").replace(".json", "")).get_data() == b""
    )
