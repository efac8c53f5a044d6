"""Organisers' payday links /give/<code>, and receipts for plain donations."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, SourceLink
from tests.support.harness import LocalStripe
from tests.support.http import csrf_token, donate
from tests.support.pledges import cli, donations, outbox, webhook_success
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.stripe


def link(app: Flask, code: str) -> SourceLink:
    with app.app_context():
        row = db.session.scalar(sa.select(SourceLink).where(SourceLink.code == code))
        assert row is not None
        db.session.expunge(row)
        return row


def donate_form(body: str) -> str:
    start = body.index('id="donate-form"')
    return body[start : body.index("</form>", start)]


def test_create_link_command(app: Flask, campaign: Campaign) -> None:
    result = cli(app, "create-link", "glasgow-vigil", "--amount", "7")
    assert "/give/glasgow-vigil" in result.output
    row = link(app, "glasgow-vigil")
    assert (row.label, row.amount_minor, row.clicks) == ("glasgow-vigil", 700, 0)
    cli(app, "create-link", "livestream", "--label", "livestream-dec", "--amount", "2.50")
    assert link(app, "livestream").label == "livestream-dec"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Code!"], "The code may use a-z"),
        (["ok-code", "--amount", "0.10"], "The amount must be from £1.00"),
        (["ok-code", "--amount", "lots"], "Please enter an amount in numbers"),
    ],
)
def test_create_link_refuses_bad_settings(
    app: Flask, campaign: Campaign, args: list[str], message: str
) -> None:
    result = app.test_cli_runner().invoke(args=["fundraiser", "create-link", *args])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SourceLink)) == 0


def test_duplicate_code_is_refused(app: Flask, campaign: Campaign) -> None:
    cli(app, "create-link", "livestream")
    result = app.test_cli_runner().invoke(args=["fundraiser", "create-link", "livestream"])
    assert result.exit_code != 0
    assert "already a link" in result.output


def test_give_link_presets_amount_and_source_and_counts_clicks(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    cli(app, "create-link", "payday-email-december", "--amount", "2.50")
    page = client.get("/give/payday-email-december")
    assert page.status_code == 200
    body = donate_form(page.get_data(as_text=True))
    assert re.search(r'name="source" type="hidden" value="payday-email-december"', body)
    assert re.search(r'value="custom"\s+checked', body)
    assert 'value="2.50"' in body
    client.get("/give/PAYDAY-EMAIL-DECEMBER")
    assert link(app, "payday-email-december").clicks == 2


def test_give_link_with_a_tier_amount_chooses_that_tier(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    cli(app, "create-link", "vigil", "--amount", "20")
    body = donate_form(client.get("/give/vigil").get_data(as_text=True))
    assert re.search(r'value="2000"\s+checked', body)
    assert not re.search(r'value="400"\s+checked', body)


@pytest.mark.parametrize("code", ["no-such-link", "x" * 200, "%00"])
def test_unknown_codes_fall_back_to_the_campaign_page(
    client: FlaskClient, campaign: Campaign, code: str
) -> None:
    response = client.get(f"/give/{code}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_donations_through_a_link_record_its_label(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    cli(app, "create-link", "glasgow-vigil")
    token = csrf_token(client, "/give/glasgow-vigil")
    assert donate(client, token, amount="4", source="glasgow-vigil").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(Donation.source)) == "glasgow-vigil"


def _succeed(client: FlaskClient, app: Flask, event_id: str) -> None:
    [donation] = donations(app)
    assert webhook_success(client, donation, event_id).status_code == 200


def test_receipt_is_delivered_after_the_webhook_once(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe, smtp: SmtpSink
) -> None:
    localstripe.flush()
    donate(client, amount="4", email="ann@example.org")
    cli(app, "send-mail")
    assert smtp.received == [], "nothing before Stripe confirms"
    _succeed(client, app, "evt_r1")
    _succeed(client, app, "evt_r2")
    cli(app, "send-mail")
    cli(app, "send-mail")
    [receipt] = smtp.to("ann@example.org")
    assert receipt.subject == "Your receipt for £4.00"
    assert "£4.00" in receipt.text
    assert "£4.00" in receipt.html


def test_no_email_no_receipt(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    donate(client, amount="4")
    _succeed(client, app, "evt_noemail")
    assert outbox(app) == []
