"""POST /donate against a real localstripe: intents are created only for valid gifts."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
import stripe
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.donations import donations
from tests.support.harness import LiveServer, LocalStripe, campaign_totals, wait_until
from tests.support.http import csrf_token, donate

pytestmark = pytest.mark.stripe


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


def donation_rows(app: Flask) -> list[Donation]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Donation)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_valid_gift_creates_one_intent_with_server_figures(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    response = donate(
        client,
        amount="2.50",
        display_name="Sam",
        name_public=True,
        message="Stay safe",
        email="sam@example.org",
    )
    assert response.status_code == 200, response.json
    secret = response.json["client_secret"]
    intent_id = secret.split("_secret_")[0]
    intent = localstripe.client().v1.payment_intents.retrieve(intent_id)
    assert intent["amount"] == 250
    assert intent["currency"] == "gbp"
    [row] = donation_rows(app)
    assert intent["metadata"]["donation_id"] == str(row.id)
    assert (row.status, row.amount_minor, row.stripe_payment_intent_id) == (
        donations.PENDING,
        250,
        intent_id,
    )
    assert (row.display_name, row.name_public, row.email) == ("Sam", True, "sam@example.org")
    assert response.json["return_url"].endswith(f"/thanks/{row.public_id}")
    assert campaign_totals(app) == (0, 0), "creating an intent never counts money"


def test_no_database_transaction_is_held_while_stripe_is_asked(
    app: Flask, client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The donation is committed, and nothing reads it again, before Stripe is called:
    a donor waiting on Stripe holds no pooled connection the viewers' polls need."""
    from fundraiser.payments import stripe_gateway

    real = stripe_gateway.create_payment_intent
    seen: list[bool] = []

    def watched(**kwargs: object) -> object:
        seen.append(db.session().in_transaction())
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stripe_gateway, "create_payment_intent", watched)
    assert donate(client, amount="5").status_code == 200
    assert seen == [False]


def test_name_is_private_unless_chosen(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    assert donate(client, display_name="Alex").status_code == 200
    [row] = donation_rows(app)
    assert row.display_name == "Alex"
    assert row.name_public is False
    assert row.public_name is None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.50", "The smallest gift is £1.00."),
        ("abc", "Please enter an amount in numbers, like 4 or 4.50."),
        ("", "Please enter an amount."),
        ("10000.01", "The largest gift online is £10,000.00."),
        ("-5", "Please enter an amount in numbers, like 4 or 4.50."),
    ],
)
def test_bad_amounts_are_refused_and_reach_no_stripe(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    localstripe: LocalStripe,
    amount: str,
    message: str,
) -> None:
    response = donate(client, amount=amount)
    assert response.status_code == 400
    assert response.json["error"] == message
    assert localstripe.intent_count() == 0
    assert donation_rows(app) == []


def test_bad_email_is_refused(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    response = donate(client, email="not-an-email")
    assert response.status_code == 400
    assert "email" in response.json["error"].lower()
    assert localstripe.intent_count() == 0


def test_missing_csrf_token_is_refused(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    response = client.post("/donate", json={"amount": "4"})
    assert response.status_code == 400
    assert "reload the page" in response.json["error"]
    assert localstripe.intent_count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"[1, 2]", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"amount=4", "text/plain", 415),
    ],
)
def test_malformed_bodies_get_clear_errors(
    app: Flask, client: FlaskClient, campaign: Campaign, body: bytes, content_type: str, code: int
) -> None:
    token = csrf_token(client)
    response = client.post(
        "/donate", data=body, headers={"Content-Type": content_type, "X-CSRFToken": token}
    )
    assert response.status_code == code
    assert response.json["error"]
    assert donation_rows(app) == []


def test_oversized_body_is_413(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    token = csrf_token(client)
    response = client.post(
        "/donate", json={"amount": "4", "message": "x" * 100_000}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 413
    assert donation_rows(app) == []


def test_no_campaign_is_a_clear_404(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 404
    assert "fundraiser demo" in response.get_data(as_text=True)
    assert client.get("/api/progress").status_code == 404


def _pay(localstripe: LocalStripe, intent_id: str, payment_method: str) -> None:
    intents = localstripe.client().v1.payment_intents
    intents.update(intent_id, params={"payment_method": payment_method})
    # A decline raises CardError; its webhook is what the tests check.
    with contextlib.suppress(stripe.CardError):
        intents.confirm(intent_id)


def test_paid_intent_counts_only_when_the_webhook_lands(
    app: Flask, live_server: LiveServer, campaign: Campaign, localstripe: LocalStripe
) -> None:
    client = app.test_client()
    response = donate(client, amount="7")
    intent_id = response.json["client_secret"].split("_secret_")[0]
    public_id = response.json["donation"]
    assert client.get(f"/api/donations/{public_id}").json["status"] == "pending"
    _pay(localstripe, intent_id, "pm_card_visa")
    assert wait_until(lambda: campaign_totals(app) == (700, 1), timeout=10)
    status = client.get(f"/api/donations/{public_id}").json
    assert status["status"] == "succeeded"
    assert status["progress"]["raised"] == 700
    assert "email" not in status and "display_name" not in status


def test_declined_intent_is_failed_by_its_webhook(
    app: Flask, live_server: LiveServer, campaign: Campaign, localstripe: LocalStripe
) -> None:
    client = app.test_client()
    response = donate(client, amount="4")
    intent_id = response.json["client_secret"].split("_secret_")[0]
    _pay(localstripe, intent_id, "pm_card_chargeCustomerFail")
    public_id = response.json["donation"]
    assert wait_until(
        lambda: client.get(f"/api/donations/{public_id}").json["status"] == "failed", timeout=10
    )
    assert campaign_totals(app) == (0, 0)


def test_stripe_unreachable_is_a_clear_502(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    app.config["STRIPE_API_BASE"], saved = "http://127.0.0.1:9", app.config["STRIPE_API_BASE"]
    app.extensions.pop("stripe_client", None)
    try:
        response = donate(client)
    finally:
        app.config["STRIPE_API_BASE"] = saved
        app.extensions.pop("stripe_client", None)
    assert response.status_code == 502
    assert "Nothing was charged" in response.json["error"]
    [row] = donation_rows(app)
    assert row.status == donations.FAILED
