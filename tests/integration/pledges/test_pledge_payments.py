"""Paying a pledge from its link: the same Stripe flow as a donation, counted once.

Intents are created in a real localstripe; the webhook events are signed here
with the endpoint's secret, in Stripe's own shape.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign, Pledge
from fundraiser.models.types import utcnow
from fundraiser.services import tokens
from tests.support import stripe_events as se
from tests.support.harness import WEBHOOK_SECRET, LocalStripe
from tests.support.http import csrf_token
from tests.support.pledges import (
    at,
    cli,
    donations,
    make_pledge,
    outbox,
    pledges,
    today,
    totals,
    webhook_success,
)

pytestmark = pytest.mark.stripe


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


@pytest.fixture
def pledge(app: Flask, client: FlaskClient, campaign: Campaign) -> Pledge:
    assert make_pledge(client, payday=today(), email="pat@example.org").status_code == 303
    [row] = pledges(app)
    return row


def token_for(app: Flask, purpose: str, pledge: Pledge, **kw: object) -> str:
    with app.app_context():
        return tokens.sign(purpose, pledge.public_id, **kw)  # type: ignore[arg-type]


def start_payment(client: FlaskClient, token: str, amount: str = "7.00"):
    page = f"/pledge/{token}"
    csrf = csrf_token(client, "/")
    return client.post(
        f"{page}/donate",
        json={"amount": amount, "email": "pat@example.org", "source": ""},
        headers={"X-CSRFToken": csrf, "Accept": "application/json"},
    )


def test_paying_fulfils_the_pledge_once_and_moves_the_totals(
    app: Flask, client: FlaskClient, pledge: Pledge, localstripe: LocalStripe
) -> None:
    token = token_for(app, tokens.PAY, pledge)
    response = start_payment(client, token)
    assert response.status_code == 200, response.json
    [donation] = donations(app)
    assert (donation.pledge_id, donation.amount_minor, donation.status) == (
        pledge.id,
        700,
        "pending",
    )
    assert localstripe.intent_count() == 1
    assert totals(app) == {"raised": 0, "donations": 0, "pledged": 700}, "not before the webhook"

    assert webhook_success(client, donation, event_id="evt_pledge_1").json["outcome"] == "counted"
    [paid] = pledges(app)
    assert paid.status == "fulfilled"
    assert paid.fulfilled_at is not None
    assert totals(app) == {"raised": 700, "donations": 1, "pledged": 0}
    progress = client.get("/api/progress").json
    assert (progress["raised"], progress["pledged"]) == (700, 0)

    assert webhook_success(client, donation, event_id="evt_pledge_1").json["outcome"] == "duplicate"
    assert webhook_success(client, donation).json["outcome"] == "already"
    assert totals(app) == {"raised": 700, "donations": 1, "pledged": 0}

    # The link is used up: a clear 410, and nothing new is started.
    assert client.get(f"/pledge/{token}").status_code == 410
    assert "already paid" in client.get(f"/pledge/{token}").get_data(as_text=True)
    assert start_payment(client, token).status_code == 410
    assert len(donations(app)) == 1
    assert localstripe.intent_count() == 1


def test_two_payments_started_for_one_pledge_take_pledged_down_once(
    app: Flask, client: FlaskClient, pledge: Pledge
) -> None:
    token = token_for(app, tokens.PAY, pledge)
    start_payment(client, token)
    # The link opened on a second device (a second tab shares the session and
    # so reuses the first, still-open intent).
    start_payment(app.test_client(), token)
    first, second = donations(app)
    webhook_success(client, first)
    webhook_success(client, second)
    assert totals(app) == {"raised": 1400, "donations": 2, "pledged": 0}
    assert pledges(app)[0].status == "fulfilled"


def test_paying_a_lapsed_pledge_fulfils_it_without_counting_it_twice(
    app: Flask, client: FlaskClient, pledge: Pledge
) -> None:
    for days in (0, 3, 6):  # reminder, follow-up, lapse
        cli(app, "send-reminders", "--now", at(today() + timedelta(days=days)))
    assert pledges(app)[0].status == "lapsed"
    assert totals(app)["pledged"] == 0
    start_payment(client, token_for(app, tokens.PAY, pledge))
    webhook_success(client, donations(app)[0])
    assert pledges(app)[0].status == "fulfilled"
    assert totals(app) == {"raised": 700, "donations": 1, "pledged": 0}


def test_a_failed_payment_leaves_the_pledge_open(
    app: Flask, client: FlaskClient, pledge: Pledge
) -> None:
    token = token_for(app, tokens.PAY, pledge)
    start_payment(client, token)
    [donation] = donations(app)
    obj = se.payment_intent(
        donation.stripe_payment_intent_id or "",
        amount=700,
        donation_id=donation.id,
        status="requires_payment_method",
        error="Your card was declined.",
    )
    body, headers = se.signed(se.event("payment_intent.payment_failed", obj), WEBHOOK_SECRET)
    client.post("/stripe/webhook", data=body, headers=headers)
    assert pledges(app)[0].status == "pledged"
    assert totals(app)["pledged"] == 700
    assert client.get(f"/pledge/{token}").status_code == 200, "they can try again"


def _refused_links(app: Flask, pledge: Pledge) -> dict[str, tuple[str, int]]:
    good = token_for(app, tokens.PAY, pledge)
    return {
        "tampered": (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), 400),
        "other pledge": (token_for(app, tokens.PAY, Pledge(public_id="x" * 22)), 400),
        "expired": (
            token_for(app, tokens.PAY, pledge, issued_at=utcnow() - timedelta(days=15)),
            410,
        ),
        "cross-purpose": (token_for(app, tokens.CANCEL, pledge), 400),
        "unsubscribe token": (token_for(app, tokens.UNSUBSCRIBE, pledge), 400),
    }


@pytest.mark.parametrize(
    "case", ["tampered", "other pledge", "expired", "cross-purpose", "unsubscribe token"]
)
def test_bad_pay_links_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, pledge: Pledge, localstripe: LocalStripe, case: str
) -> None:
    token, status = _refused_links(app, pledge)[case]
    page = client.get(f"/pledge/{token}")
    assert page.status_code == status
    words = page.get_data(as_text=True)
    assert ("expired" in words) if status == 410 else ("not valid" in words)
    response = start_payment(client, token)
    assert response.status_code == status
    assert response.json["error"]
    assert donations(app) == []
    assert localstripe.intent_count() == 0
    assert pledges(app)[0].status == "pledged"
    assert totals(app) == {"raised": 0, "donations": 0, "pledged": 700}


def test_a_pay_token_cannot_cancel(app: Flask, client: FlaskClient, pledge: Pledge) -> None:
    token = token_for(app, tokens.PAY, pledge)
    assert client.get(f"/pledge/cancel/{token}").status_code == 400
    csrf = csrf_token(client, "/")
    assert client.post(f"/pledge/cancel/{token}", data={"csrf_token": csrf}).status_code == 400
    assert pledges(app)[0].status == "pledged"
    assert client.post(f"/unsubscribe/{token}").status_code == 400
    assert pledges(app)[0].consent is True


def test_a_cancelled_pledge_cannot_be_paid(
    app: Flask, client: FlaskClient, pledge: Pledge, localstripe: LocalStripe
) -> None:
    cancel = token_for(app, tokens.CANCEL, pledge)
    csrf = csrf_token(client, f"/pledge/cancel/{cancel}")
    assert client.post(f"/pledge/cancel/{cancel}", data={"csrf_token": csrf}).status_code == 200
    pay = token_for(app, tokens.PAY, pledge)
    assert client.get(f"/pledge/{pay}").status_code == 410
    assert start_payment(client, pay).status_code == 410
    assert donations(app) == []
    assert localstripe.intent_count() == 0


def test_receipt_only_after_the_webhook_and_only_once(
    app: Flask, client: FlaskClient, pledge: Pledge
) -> None:
    start_payment(client, token_for(app, tokens.PAY, pledge))
    [donation] = donations(app)
    kinds = lambda: [m.kind for m in outbox(app)]  # noqa: E731
    assert kinds() == ["pledge_confirmation"], "no receipt before Stripe confirms"
    webhook_success(client, donation, event_id="evt_receipt")
    webhook_success(client, donation, event_id="evt_receipt")
    webhook_success(client, donation, event_id="evt_receipt_again")
    assert kinds() == ["pledge_confirmation", "receipt"]
    receipt = outbox(app)[-1]
    assert receipt.to_address == "pat@example.org"
    assert receipt.subject == "Your receipt for £7.00"
    assert donation.public_id in receipt.body_text
