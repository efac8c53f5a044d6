"""Refunds from the dashboard, through a real localstripe: Stripe moves the money,
`raised` drops by exactly that amount, and Stripe's later event changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, Refund
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.dashboard import hidden_fields
from tests.support.factories import paid_donation
from tests.support.harness import WEBHOOK_SECRET, LocalStripe, campaign_totals
from tests.support.http import donate

pytestmark = pytest.mark.stripe


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


def refund_form(client: FlaskClient, donation: Donation) -> dict[str, str]:
    page = client.get(f"/dashboard/donations/{donation.public_id}")
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def refund(client: FlaskClient, donation: Donation, fields: dict[str, str], amount: str):
    return client.post(
        f"/dashboard/donations/{donation.public_id}/refund",
        data={**fields, "amount": amount, "note": "asked by email", "confirmed": "yes"},
    )


def test_partial_then_full_refund_through_localstripe(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    donation = paid_donation(app)
    assert campaign_totals(app) == (2000, 1)

    response = refund(logged_in, donation, refund_form(logged_in, donation), "7.50")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert campaign_totals(app) == (1250, 1)
    charge = localstripe.client().v1.payment_intents.retrieve(
        donation.stripe_payment_intent_id or ""
    )["latest_charge"]
    assert charge["amount_refunded"] == 750

    with app.app_context():
        row = db.session.scalar(sa.select(Refund))
        assert (row.status, row.amount_minor, row.origin) == ("succeeded", 750, "dashboard")
        assert row.stripe_refund_id and row.stripe_refund_id.startswith("re_")
        refund_id = row.stripe_refund_id
        audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "refund"))
        assert audit.actor == "robin@example.org" and audit.detail["amount"] == 750

    # Stripe's own event for the same refund arrives later: nothing changes.
    obj = re_.refund(donation.stripe_payment_intent_id or "", 750, refund_id=refund_id)
    body, headers = se.signed(se.event("refund.created", obj), WEBHOOK_SECRET)
    logged_in.post("/stripe/webhook", data=body, headers=headers)
    assert campaign_totals(app) == (1250, 1)

    # The rest, then nothing more can be refunded.
    page = logged_in.get(f"/dashboard/donations/{donation.public_id}").get_data(as_text=True)
    assert 'value="12.50"' in page, "the form offers what is left"
    assert refund(logged_in, donation, hidden_fields(page), "12.50").status_code == 302
    assert campaign_totals(app) == (0, 1)
    assert "Refund through Stripe" not in logged_in.get(
        f"/dashboard/donations/{donation.public_id}"
    ).get_data(as_text=True)


def test_double_submit_and_over_refund_move_no_money(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    donation = paid_donation(app, "4.00")
    fields = refund_form(logged_in, donation)
    assert refund(logged_in, donation, fields, "1.00").status_code == 302
    again = refund(logged_in, donation, fields, "1.00")  # the same form sent twice
    assert again.status_code == 400
    assert "already requested" in again.get_data(as_text=True)
    too_much = refund(logged_in, donation, refund_form(logged_in, donation), "3.01")
    assert too_much.status_code == 400
    assert "between £0.01 and £3.00" in too_much.get_data(as_text=True)
    for bad in ("", "abc", "-1", "0"):
        assert refund(logged_in, donation, refund_form(logged_in, donation), bad).status_code == 400
    refunds = localstripe.client().v1.refunds.list(
        params={"payment_intent": donation.stripe_payment_intent_id}
    )
    assert len(refunds.data) == 1
    assert campaign_totals(app) == (300, 1)


def test_unpaid_donation_cannot_be_refunded(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    donor = app.test_client()
    assert donate(donor, amount="5.00").status_code == 200
    with app.app_context():
        donation = db.session.scalar(sa.select(Donation))
        db.session.expunge(donation)
    page = logged_in.get(f"/dashboard/donations/{donation.public_id}").get_data(as_text=True)
    assert "Refund through Stripe" not in page
    fields = hidden_fields(page)
    fields["request_key"] = "made-up-key"
    response = refund(logged_in, donation, fields, "5.00")
    assert response.status_code == 400
    assert "Only a succeeded payment can be refunded." in response.get_data(as_text=True)
    assert campaign_totals(app) == (0, 0)


def test_fee_cover_can_be_refunded_but_raised_drops_by_the_gift_at_most(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    donation = paid_donation(app, "4.00", cover_fees=True)
    charge = donation.charge_minor
    assert (donation.amount_minor, charge) == (400, 427)
    assert campaign_totals(app) == (400, 1)
    page = logged_in.get(f"/dashboard/donations/{donation.public_id}").get_data(as_text=True)
    assert "Amount to refund (GBP), up to £4.27" in page, "Stripe refunds the whole charge"
    assert 'value="4.27"' in page

    assert refund(logged_in, donation, refund_form(logged_in, donation), "1.00").status_code == 302
    assert campaign_totals(app) == (300, 1), "a part refund comes out of the gift"
    too_much = refund(logged_in, donation, refund_form(logged_in, donation), "3.28")
    assert too_much.status_code == 400
    assert "between £0.01 and £3.27" in too_much.get_data(as_text=True)
    assert refund(logged_in, donation, refund_form(logged_in, donation), "3.27").status_code == 302
    assert campaign_totals(app) == (0, 1), "raised drops by the £4.00 gift, not the £4.27 charge"

    intent = localstripe.client().v1.payment_intents.retrieve(
        donation.stripe_payment_intent_id or ""
    )
    assert intent["latest_charge"]["amount_refunded"] == charge
    page = logged_in.get(f"/dashboard/donations/{donation.public_id}").get_data(as_text=True)
    assert "Refund through Stripe" not in page, "nothing left to refund"
    assert '<dd data-field="refunded">£4.27</dd>' in page
    assert "<dt>Taken out of the total</dt><dd>£4.00</dd>" in page
    # Stripe's own events for both refunds, and the charge's total, change nothing.
    with app.app_context():
        made = [(r.stripe_refund_id, r.amount_minor) for r in db.session.scalars(sa.select(Refund))]
    for refund_id, amount in made:
        obj = re_.refund(donation.stripe_payment_intent_id or "", amount, refund_id=refund_id)
        body, headers = se.signed(se.event("refund.updated", obj), WEBHOOK_SECRET)
        assert logged_in.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    obj = re_.charge(donation.stripe_payment_intent_id or "", charge, amount_refunded=charge)
    body, headers = se.signed(se.event("charge.refunded", obj), WEBHOOK_SECRET)
    assert logged_in.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    assert campaign_totals(app) == (0, 1)


def test_a_refund_asks_first_naming_donor_amount_and_reason(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    donation = paid_donation(app)
    fields = refund_form(logged_in, donation)
    ask = logged_in.post(
        f"/dashboard/donations/{donation.public_id}/refund",
        data={**fields, "amount": "20.00", "note": "asked by email"},
    )
    assert ask.status_code == 200
    page = ask.get_data(as_text=True)
    assert "Refund £20.00 in full?" in page
    assert 'data-field="donor">Sam (sam@example.org)</dd>' in page
    assert "<strong>In full: £20.00</strong>" in page
    assert 'data-field="reason">asked by email</dd>' in page
    # Asking moved nothing, at Stripe or in the total.
    assert localstripe.client().v1.refunds.list().data == []
    assert campaign_totals(app) == (2000, 1)
    part = logged_in.post(
        f"/dashboard/donations/{donation.public_id}/refund",
        data={**fields, "amount": "5.00"},
    ).get_data(as_text=True)
    assert "<strong>Part: £5.00</strong> of the £20.00 left to refund" in part
    assert "— (none given)" in part
    too_much = logged_in.post(
        f"/dashboard/donations/{donation.public_id}/refund", data={**fields, "amount": "20.01"}
    )
    assert too_much.status_code == 400
    assert "between £0.01 and £20.00" in too_much.get_data(as_text=True)
    # The confirmation page's own form refunds exactly what it showed.
    confirm = hidden_fields(page)
    assert confirm["confirmed"] == "yes" and confirm["amount"] == "20.00"
    done = logged_in.post(f"/dashboard/donations/{donation.public_id}/refund", data=confirm)
    assert done.status_code == 302
    assert campaign_totals(app) == (0, 1), "refunded in full; the gift still counts as made"
