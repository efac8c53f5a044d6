"""A match window through real signed webhooks: gifts inside and outside it, the cap
reached, a refund inside the window; `matched` and `raised` exact after each step.

Gifts are started through POST /donate (real localstripe intents), so the match
running at that moment is the one that tags them, as for a donor.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.models.types import utcnow
from fundraiser.services.matching import matching
from fundraiser.services.offline import offline
from fundraiser.webhooks import ledger
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.concurrency import run_at_once
from tests.support.donations import intent_of
from tests.support.harness import WEBHOOK_SECRET, LocalStripe
from tests.support.matching import add_match, figures, started, the_organiser

pytestmark = pytest.mark.stripe


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


def deliver(client: FlaskClient, evt: dict) -> str:
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.json["outcome"])


def succeed(client: FlaskClient, donation: Donation) -> dict:
    evt = se.event("payment_intent.succeeded", intent_of(donation))
    assert deliver(client, evt) == "counted"
    return evt


def refund(intent_id: str, amount: int, refund_id: str) -> dict:
    return se.event("refund.created", re_.refund(intent_id, amount, refund_id=refund_id))


def public(client: FlaskClient) -> tuple[int, int]:
    body = client.get("/api/progress").json
    return body["raised"], body["matched"]


def test_window_cap_refund_and_payment_keep_matched_and_raised_exact(
    app: Flask, client: FlaskClient, campaign: Campaign, organiser: str
) -> None:
    before = started(app, "10.00")  # started before the match: never matched
    match_id = add_match(
        app, campaign, cap=4000, starts=utcnow(), ends=utcnow() + timedelta(hours=1)
    )
    twenty, thirty = started(app, "20.00"), started(app, "30.00")
    assert (before.match_id, twenty.match_id, thirty.match_id) == (None, match_id, match_id)

    succeed(client, before)
    assert figures(app, match_id) == {
        "raised": 1000,
        "matched": 0,
        "gifts": 0,
        "promised": 0,
        "received": 0,
    }
    first = succeed(client, twenty)
    assert figures(app, match_id)["raised"] == 3000
    assert figures(app, match_id)["matched"] == 2000
    assert deliver(client, first) == "duplicate"  # Stripe's retry changes nothing
    assert public(client) == (3000, 2000)

    succeed(client, thirty)  # 50 of gifts, the cap is 40
    assert figures(app, match_id) == {
        "raised": 6000,
        "matched": 4000,
        "gifts": 5000,
        "promised": 4000,
        "received": 0,
    }
    assert public(client) == (6000, 4000), "raised never includes the promise"

    late = started(app, "5.00")  # started inside, counted after the window closes
    with app.app_context():
        matching.end_now(match_id, the_organiser())
    after = started(app, "7.00")
    assert (late.match_id, after.match_id) == (match_id, None)
    succeed(client, after)
    succeed(client, late)
    assert figures(app, match_id) == {
        "raised": 7200,
        "matched": 4000,
        "gifts": 5500,
        "promised": 4000,
        "received": 0,
    }

    # A refund inside the window: the gifts fall to 35, under the cap, so the match follows.
    take = refund(thirty.stripe_payment_intent_id or "", 2000, "re_match_thirty")
    assert deliver(client, take) == "recorded"
    assert deliver(client, take) == "duplicate"
    assert figures(app, match_id) == {
        "raised": 5200,
        "matched": 3500,
        "gifts": 3500,
        "promised": 3500,
        "received": 0,
    }
    # A refund outside the window moves raised only.
    assert deliver(client, refund(after.stripe_payment_intent_id or "", 700, "re_after")) == (
        "recorded"
    )
    assert figures(app, match_id)["raised"] == 4500
    assert figures(app, match_id)["matched"] == 3500

    # The matcher pays 25 of the 35: it enters raised, and matched drops by as much.
    with app.app_context():
        matching.record_received(match_id, 2500, the_organiser())
    assert figures(app, match_id) == {
        "raised": 7000,
        "matched": 1000,
        "gifts": 3500,
        "promised": 3500,
        "received": 2500,
    }
    assert public(client) == (7000, 1000)

    # Derived, not counted: recomputing from the rows changes nothing.
    with app.app_context():
        matching.recompute(match_id)
        db.session.commit()
    assert figures(app, match_id)["matched"] == 1000


def test_refund_before_success_and_redeliveries_give_the_same_figures(
    app: Flask, client: FlaskClient, campaign: Campaign, organiser: str
) -> None:
    match_id = add_match(
        app, campaign, cap=10_000, starts=utcnow(), ends=utcnow() + timedelta(hours=1)
    )
    gift = started(app, "20.00")
    take = refund(gift.stripe_payment_intent_id or "", 500, "re_early")
    assert deliver(client, take) != "counted"  # the refund arrives first
    success = se.event("payment_intent.succeeded", intent_of(gift))
    for evt in (success, take, success):
        deliver(client, evt)
    assert figures(app, match_id) == {
        "raised": 1500,
        "matched": 1500,
        "gifts": 1500,
        "promised": 1500,
        "received": 0,
    }


def test_a_match_whose_window_began_earlier_takes_the_gifts_started_in_it(
    app: Flask, client: FlaskClient, campaign: Campaign, organiser: str
) -> None:
    gift = started(app, "12.00")
    succeed(client, gift)
    match_id = add_match(
        app,
        campaign,
        cap=1000,
        starts=utcnow() - timedelta(minutes=5),
        ends=utcnow() + timedelta(minutes=5),
    )
    assert figures(app, match_id) == {
        "raised": 1200,
        "matched": 1000,
        "gifts": 1200,
        "promised": 1000,
        "received": 0,
    }


def test_a_removed_payment_is_owed_again(
    app: Flask, client: FlaskClient, campaign: Campaign, organiser: str
) -> None:
    match_id = add_match(
        app, campaign, cap=5000, starts=utcnow(), ends=utcnow() + timedelta(hours=1)
    )
    succeed(client, started(app, "30.00"))
    with app.app_context():
        matching.record_received(match_id, 3000, the_organiser())
    assert figures(app, match_id)["matched"] == 0
    assert figures(app, match_id)["raised"] == 6000
    with app.app_context():
        [paid] = offline.listing(db.session.get_one(Campaign, campaign.id))
        offline.remove(paid.id, reason="entered twice", organiser=the_organiser())
    assert figures(app, match_id) == {
        "raised": 3000,
        "matched": 3000,
        "gifts": 3000,
        "promised": 3000,
        "received": 0,
    }


def test_a_dispute_lowers_the_match_until_won_and_reconcile_counts_like_a_webhook(
    app: Flask, client: FlaskClient, campaign: Campaign, organiser: str
) -> None:
    match_id = add_match(
        app, campaign, cap=10_000, starts=utcnow(), ends=utcnow() + timedelta(hours=1)
    )
    disputed, late = started(app, "20.00"), started(app, "8.00")
    succeed(client, disputed)
    intent = disputed.stripe_payment_intent_id or ""
    deliver(client, se.event("charge.dispute.created", re_.dispute(intent, 2000)))
    assert figures(app, match_id) == {
        "raised": 0,
        "matched": 0,
        "gifts": 0,
        "promised": 0,
        "received": 0,
    }
    won = re_.dispute(intent, 2000, status="won")
    deliver(client, se.event("charge.dispute.closed", won))
    assert figures(app, match_id) == {
        "raised": 2000,
        "matched": 2000,
        "gifts": 2000,
        "promised": 2000,
        "received": 0,
    }
    # Counted by reconcile, hours late: the gift was started in the window, so it is matched.
    with app.app_context():
        evt = se.event("payment_intent.succeeded", intent_of(late))
        assert ledger.process_event(evt, source="reconcile").code == "counted"
    assert figures(app, match_id)["matched"] == 2800


def test_gifts_of_one_match_counted_at_once_are_all_matched(
    app: Flask, campaign: Campaign, organiser: str
) -> None:
    match_id = add_match(
        app, campaign, cap=100_000, starts=utcnow(), ends=utcnow() + timedelta(hours=1)
    )
    gifts = [started(app, amount) for amount in ("4.00", "7.00", "20.00", "9.00")]
    queue = list(gifts)
    lock = threading.Lock()

    def deliver_one() -> None:
        with lock:
            gift = queue.pop()
        assert deliver(
            app.test_client(), se.event("payment_intent.succeeded", intent_of(gift))
        ) == ("counted")

    run_at_once(deliver_one, threads=len(gifts))
    assert figures(app, match_id) == {
        "raised": 4000,
        "matched": 4000,
        "gifts": 4000,
        "promised": 4000,
        "received": 0,
    }
