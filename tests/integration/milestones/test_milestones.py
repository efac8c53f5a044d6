"""Milestones: crossed by a webhook-counted gift -> one celebration in the alerts feed;
a refund below it and a second crossing celebrate nothing more; /api/progress counts them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign
from fundraiser.models.types import utcnow
from fundraiser.services.livestream import overlays
from fundraiser.services.milestones import milestones
from fundraiser.services.offline import offline
from fundraiser.webhooks import ledger
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.donations import add_pending, intent_of
from tests.support.harness import WEBHOOK_SECRET
from tests.support.matching import the_organiser


def deliver(client: FlaskClient, evt: dict) -> str:
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.json["outcome"])


def gift(app: Flask, client: FlaskClient, campaign: Campaign, amount: int, intent: str) -> dict:
    evt = se.event(
        "payment_intent.succeeded",
        intent_of(add_pending(app, campaign, amount=amount, intent_id=intent)),
    )
    assert deliver(client, evt) == "counted"
    return evt


@pytest.fixture
def feed(app: Flask, campaign: Campaign) -> str:
    with app.app_context():
        return f"/overlay/{overlays.rotate_token(campaign.id, None)}/alerts.json"


@pytest.fixture
def two_milestones(app: Flask, campaign: Campaign, organiser: str) -> None:
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        milestones.add(row, 1000, "One more person out", "Ещё один человек спасён", the_organiser())
        milestones.add(row, 3000, "A safe house for a week", "", the_organiser())
        milestones.set_cost_per_person(row, 1500, the_organiser())


def celebrated(client: FlaskClient, feed: str) -> list[tuple[int, list[int]]]:
    """(gift amount, [milestone amounts]) for every alert in the feed."""
    return [
        (a["amount"], [m["amount"] for m in a["milestones"]])
        for a in client.get(feed + "?after=0").json["alerts"]
    ]


@pytest.mark.usefixtures("two_milestones")
def test_crossing_by_webhook_celebrates_once_and_a_refund_never_re_celebrates(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    progress = client.get("/api/progress").json
    assert progress["milestones"] == {
        "reached": 0,
        "total": 2,
        "next": {
            "amount": 1000,
            "amount_display": "£10",
            "label": "One more person out",
            "label_ru": "Ещё один человек спасён",
        },
    }
    assert progress["people"] == 0

    first = gift(app, client, campaign, 400, "pi_ms_1")
    crossing = gift(app, client, campaign, 700, "pi_ms_2")  # 11: crosses 10
    assert deliver(client, crossing) == "duplicate"
    assert deliver(client, first) == "duplicate"
    assert celebrated(client, feed) == [(400, []), (700, [1000])]
    alert = client.get(feed + "?after=0").json["alerts"][1]["milestones"][0]
    assert alert == {
        "amount": 1000,
        "label": "One more person out",
        "label_ru": "Ещё один человек спасён",
    }
    progress = client.get("/api/progress").json
    assert (progress["milestones"]["reached"], progress["milestones"]["next"]["amount"]) == (
        1,
        3000,
    )
    assert progress["people"] == 0  # 11 of 15 per person

    # Refunded below 10: no longer reached, but the celebration stays as it was.
    refund = re_.refund("pi_ms_2", 700, refund_id="re_ms_2")
    assert deliver(client, se.event("refund.created", refund)) == "recorded"
    assert client.get("/api/progress").json["milestones"]["reached"] == 0
    # Crossing 10 again celebrates nothing; one gift crossing 30 celebrates 30 alone.
    gift(app, client, campaign, 2000, "pi_ms_3")  # 24
    gift(app, client, campaign, 600, "pi_ms_4")  # 30
    assert celebrated(client, feed) == [(400, []), (700, [1000]), (2000, []), (600, [3000])]
    progress = client.get("/api/progress").json
    assert progress["milestones"] == {"reached": 2, "total": 2, "next": None}
    assert progress["people"] == 2


@pytest.mark.usefixtures("two_milestones")
def test_money_counted_otherwise_is_celebrated_by_the_next_webhook_gift(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str
) -> None:
    late = add_pending(app, campaign, amount=1200, intent_id="pi_ms_reconciled")
    with app.app_context():
        evt = se.event("payment_intent.succeeded", intent_of(late))
        assert ledger.process_event(evt, source="reconcile").code == "counted"
    assert celebrated(client, feed) == [], "reconcile never alerts"
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        entry = offline.OfflineEntry(2000, utcnow().date(), "cash", None, "")
        offline.add(row, entry, the_organiser())  # 32: past 30 too
    gift(app, client, campaign, 100, "pi_ms_next")
    assert celebrated(client, feed) == [(100, [1000, 3000])]


def test_a_milestone_added_when_already_reached_is_never_celebrated(
    app: Flask, client: FlaskClient, campaign: Campaign, feed: str, organiser: str
) -> None:
    gift(app, client, campaign, 2000, "pi_ms_before")
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        milestones.add(row, 1500, "Already there", "", the_organiser())
    gift(app, client, campaign, 400, "pi_ms_after")
    assert celebrated(client, feed) == [(2000, []), (400, [])]
    assert client.get("/api/progress").json["milestones"]["reached"] == 1
