"""Cover the fees through the real flow: form -> PaymentIntent -> webhook -> totals."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
import stripe
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.donations import fees
from tests.support.factories import deliver, pending_donation, succeeded_event
from tests.support.harness import LiveServer, LocalStripe, campaign_totals, wait_until
from tests.support.http import donate

pytestmark = pytest.mark.stripe


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


def only_donation(app: Flask) -> Donation:
    with app.app_context():
        row = db.session.scalars(sa.select(Donation)).one()
        db.session.expunge(row)
        return row


@pytest.mark.parametrize(
    ("amount", "gift", "cover"),
    [("1", 100, 22), ("4", 400, 27), ("7", 700, 31), ("20", 2000, 51), ("2.50", 250, 25)],
)
def test_the_intent_charges_gift_plus_cover(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    localstripe: LocalStripe,
    amount: str,
    gift: int,
    cover: int,
) -> None:
    response = donate(client, amount=amount, cover_fees=True)
    assert response.status_code == 200, response.json
    intent_id = response.json["client_secret"].split("_secret_")[0]
    intent = localstripe.client().v1.payment_intents.retrieve(intent_id)
    row = only_donation(app)
    assert (row.amount_minor, row.fee_cover_minor) == (gift, cover)
    with app.app_context():
        assert cover == fees.configured_cover(gift)
    assert intent["amount"] == row.charge_minor == gift + cover


def test_unticked_box_charges_the_gift_alone(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    response = donate(client, amount="4", cover_fees=False)
    intent_id = response.json["client_secret"].split("_secret_")[0]
    assert localstripe.client().v1.payment_intents.retrieve(intent_id)["amount"] == 400
    assert only_donation(app).fee_cover_minor == 0


def test_a_paid_covered_gift_counts_the_gift_in_the_totals(
    app: Flask, live_server: LiveServer, campaign: Campaign, localstripe: LocalStripe
) -> None:
    client = app.test_client()
    response = donate(client, amount="4", cover_fees=True)
    intent_id = response.json["client_secret"].split("_secret_")[0]
    intents = localstripe.client().v1.payment_intents
    intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    with contextlib.suppress(stripe.CardError):
        intents.confirm(intent_id)
    assert intents.retrieve(intent_id)["amount"] == 427
    assert wait_until(lambda: campaign_totals(app) == (400, 1), timeout=10)
    status = client.get(f"/api/donations/{response.json['donation']}").json
    assert (status["status"], status["amount"]) == ("succeeded", 400)


def test_webhook_for_the_gift_alone_is_an_amount_mismatch(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    donation = pending_donation(app, campaign.id, amount=400, fee_cover=27)
    response = deliver(client, succeeded_event(donation, amount=400))
    assert response.json["outcome"] == "mismatch"
    assert campaign_totals(app) == (0, 0)
    assert deliver(client, succeeded_event(donation)).json["outcome"] == "counted"
    assert campaign_totals(app) == (400, 1)


def test_the_form_offers_an_unticked_box_for_the_first_tier(
    client: FlaskClient, campaign: Campaign
) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<input id="cover_fees" name="cover_fees" type="checkbox" value="y">' in html
    assert (
        'Add <span data-field="fee-cover">£0.27</span> so the Network gets the full '
        '<span data-field="fee-gift">£4</span>'
    ) in html
    assert 'data-fee-bps="150" data-fee-fixed="20"' in html
