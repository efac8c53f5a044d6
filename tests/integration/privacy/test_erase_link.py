""" "Delete my details": the signed link in receipts and pledge emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, OutboxMessage, Pledge
from fundraiser.models.types import utcnow
from fundraiser.ops.redaction import redact
from fundraiser.services import tokens
from fundraiser.services.donations.privacy import ERASED_ADDRESS
from tests.support.dashboard import hidden_fields
from tests.support.factories import paid_donation
from tests.support.harness import campaign_totals
from tests.support.pledges import link_path, make_pledge, today

pytestmark = pytest.mark.stripe

BASE = "http://fundraiser.test"


@pytest.fixture(autouse=True)
def _public_base(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def mail_to(app: Flask, address: str) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.to_address == address)
        ).all()
        for message in found:
            db.session.expunge(message)
        return list(found)


def confirm(client: FlaskClient, path: str) -> tuple[int, str]:
    """Open the confirm page and press its button; (status, page text)."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    response = client.post(path, data=hidden_fields(page.get_data(as_text=True)))
    return response.status_code, response.get_data(as_text=True)


def donation_row(app: Flask, donation_id: int) -> Donation:
    with app.app_context():
        row = db.session.get_one(Donation, donation_id)
        db.session.expunge(row)
        return row


def test_the_receipt_link_erases_that_donor_at_once_and_works_once(
    app: Flask, client: FlaskClient, campaign: object
) -> None:
    mine = paid_donation(app, "20.00", message="Stay safe")
    with app.app_context():  # another supporter, who must keep everything
        db.session.add(
            Pledge(
                campaign_id=mine.campaign_id,
                amount_minor=500,
                currency="gbp",
                email="other@example.org",
                payday=today(),
                remind_at=utcnow(),
                consent=True,
                status="fulfilled",
            )
        )
        db.session.commit()
    totals = campaign_totals(app)
    [receipt] = mail_to(app, "sam@example.org")
    path = link_path(receipt.body_text, "/forget/")
    assert f'href="{BASE}{path}"' in receipt.body_html
    assert "sam" not in path  # the token names the donation, not the address

    # Opening the link (a mail scanner would) changes nothing.
    assert client.get(path).status_code == 200
    assert donation_row(app, mine.id).email == "sam@example.org"
    # Without the page's CSRF token, nothing happens either.
    assert client.post(path).status_code == 400
    assert donation_row(app, mine.id).email == "sam@example.org"

    status, text = confirm(client, path)
    assert status == 200 and "Your details are deleted" in text
    row = donation_row(app, mine.id)
    assert (row.email, row.display_name, row.message) == (None, None, None)
    assert (row.amount_minor, row.status) == (mine.amount_minor, "succeeded")
    assert campaign_totals(app) == totals
    assert mail_to(app, "sam@example.org") == []
    assert [m.to_address for m in mail_to(app, ERASED_ADDRESS)] == [ERASED_ADDRESS]
    with app.app_context():
        assert db.session.scalar(sa.select(Pledge.email)) == "other@example.org"
    # Reused: gone, for the page and the button alike.
    assert client.get(path).status_code == 410
    assert client.post(path).status_code in (400, 410)


def test_the_pledge_confirmation_link_erases_the_pledge_address(
    app: Flask, client: FlaskClient, campaign: object
) -> None:
    assert (
        make_pledge(client, payday=today() + timedelta(days=3), email="pat@example.org").status_code
        == 303
    )
    [confirmation] = mail_to(app, "pat@example.org")
    path = link_path(confirmation.body_text, "/forget/")
    status, _ = confirm(client, path)
    assert status == 200
    with app.app_context():
        pledge = db.session.scalar(sa.select(Pledge))
        assert (pledge.email, pledge.status) == (ERASED_ADDRESS, "cancelled")
        assert db.session.scalar(sa.select(Campaign.pledged_minor)) == 0


def test_tampered_wrong_purpose_and_expired_links_are_refused(
    app: Flask, client: FlaskClient, campaign: object
) -> None:
    mine = paid_donation(app, "4.00")
    with app.app_context():
        good = tokens.sign(tokens.ERASE, f"d:{mine.public_id}")
        expired = tokens.sign(
            tokens.ERASE, f"d:{mine.public_id}", issued_at=utcnow() - timedelta(days=181)
        )
        other_purpose = tokens.sign(tokens.CANCEL, f"d:{mine.public_id}")
        unknown_row = tokens.sign(tokens.ERASE, "d:nope")
        bad_kind = tokens.sign(tokens.ERASE, f"x:{mine.public_id}")
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    for token, status in (
        (tampered, 400),
        (other_purpose, 400),
        (bad_kind, 400),
        (expired, 410),
        (unknown_row, 410),
    ):
        assert client.get(f"/forget/{token}").status_code == status, token
        assert client.post(f"/forget/{token}").status_code in (400, status)
    assert donation_row(app, mine.id).email == "sam@example.org"
    assert redact(f"GET /forget/{good}") == "GET /forget/[redacted]"
