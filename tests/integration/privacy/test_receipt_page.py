"""The receipt a donor saves from the thank-you page, with no email given (issue 16)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.models.types import utcnow
from fundraiser.ops.redaction import redact
from fundraiser.services import tokens
from fundraiser.services.donations import receipts
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.factories import deliver, give, pending_donation

_LINK = re.compile(r'href="(/receipt/[^"]+)"')


def _token(app: Flask, donation: Donation, **kw: object) -> str:
    with app.app_context():
        return tokens.sign(tokens.RECEIPT, donation.public_id, **kw)  # type: ignore[arg-type]


def _field(html: str, name: str) -> str | None:
    found = re.search(rf'data-field="{name}"[^>]*>(.*?)</', html, re.S)
    return found[1].strip() if found else None


def test_the_thank_you_page_links_a_receipt_that_shows_the_gift_and_no_one(
    app: Flask, client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STATEMENT_DESCRIPTOR_SUFFIX", "PUB NIGHT")
    with app.app_context():
        db.session.execute(sa.update(Campaign).values(beneficiary_name="Safe Route Fund"))
        db.session.commit()
    donation = give(app, client, campaign.id, 700, fee_cover=43)
    thanks = client.get(f"/thanks/{donation.public_id}").get_data(as_text=True)
    [link] = _LINK.findall(thanks)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert 'data-state="confirmed"' in html
    assert _field(html, "number") == f"R-{donation.id:06d}"
    assert _field(html, "amount") == "£7.00"
    assert _field(html, "cover") == "£0.43"
    assert _field(html, "charged") == "£7.43"
    assert _field(html, "currency") == "GBP"
    assert _field(html, "campaign") == "Test drive"
    assert _field(html, "beneficiary") == "Safe Route Fund"
    assert "PUB NIGHT" in (_field(html, "statement") or "")
    assert _field(html, "name") is None  # no name given, none shown
    assert _field(html, "date")
    # Russian, too.
    russian = client.get(link, headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Номер квитанции" in russian
    # The link's token never reaches a log line.
    assert redact(link) == "/receipt/[redacted]"


def test_a_name_is_shown_only_when_the_donor_gave_one(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    donation = give(app, client, campaign.id, 400, display_name="Aslan")
    html = client.get(f"/receipt/{_token(app, donation)}").get_data(as_text=True)
    assert _field(html, "name") == "Aslan"


def test_an_unconfirmed_or_failed_gift_has_no_receipt(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    pending = pending_donation(app, campaign.id, amount=500)
    page = client.get(f"/receipt/{_token(app, pending)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-state="not_confirmed"' in html
    assert "Not confirmed yet" in html
    assert _field(html, "amount") is None  # nothing that looks like a receipt
    failed = se.event(
        "payment_intent.payment_failed",
        se.payment_intent(
            pending.stripe_payment_intent_id or "",
            amount=500,
            donation_id=pending.id,
            status="requires_payment_method",
        ),
    )
    deliver(client, failed)
    html = client.get(f"/receipt/{_token(app, pending)}").get_data(as_text=True)
    assert 'data-state="failed"' in html


def test_refunds_are_stated(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    donation = give(app, client, campaign.id, 2000)
    intent = donation.stripe_payment_intent_id or ""
    deliver(client, se.event("charge.refunded", re_.charge(intent, 2000, amount_refunded=500)))
    html = client.get(f"/receipt/{_token(app, donation)}").get_data(as_text=True)
    assert 'data-state="part_refunded"' in html
    assert "£5.00" in (_field(html, "refund") or "")
    deliver(client, se.event("charge.refunded", re_.charge(intent, 2000, amount_refunded=2000)))
    html = client.get(f"/receipt/{_token(app, donation)}").get_data(as_text=True)
    assert 'data-state="refunded"' in html
    assert "£20.00" in (_field(html, "refund") or "")


def test_tampered_expired_and_foreign_links_are_refused(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    donation = give(app, client, campaign.id, 400)
    good = _token(app, donation)
    old = _token(app, donation, issued_at=utcnow() - timedelta(days=8))
    with app.app_context():
        other_purpose = tokens.sign(tokens.ERASE, donation.public_id)
        nobody = tokens.sign(tokens.RECEIPT, "0" * 32)
    for token, status in (
        (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), 400),
        (other_purpose, 400),
        (nobody, 400),
        (old, 410),
        ("x" * 500, 404),  # longer than any token: no such page
    ):
        page = client.get(f"/receipt/{token}")
        assert page.status_code == status, token
        # The token itself is echoed in the language links, and base64 can spell "R-":
        # look for the receipt's number, not for its prefix.
        html = page.get_data(as_text=True)
        assert receipts.receipt_number(donation) not in html and "£4.00" not in html
        assert _field(html, "number") is None
        if status != 404:
            assert page.headers["Cache-Control"] == "private, no-store"
            assert page.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/receipt/{good}").status_code == 200


def test_the_receipt_number_is_the_donations_id(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        donation = Donation(campaign_id=campaign.id, amount_minor=1, currency="gbp")
        donation.id = 42
        assert receipts.receipt_number(donation) == "R-000042"
