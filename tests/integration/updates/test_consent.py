"""The donate form's "email me updates" box: unticked by default, in both languages,
stored as its own field with the time of consent (apart from the receipt), and
erased with the rest of the donor's details by the link, erase-donor and retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.models.types import utcnow
from fundraiser.services.donations import privacy, retention
from tests.support.dashboard import make_donation
from tests.support.http import donate
from tests.support.pledges import cli, webhook_success
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.stripe


def gifts(app: Flask) -> list[Donation]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Donation).order_by(Donation.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_box_is_unticked_and_in_both_languages(client: FlaskClient, campaign: Campaign) -> None:
    english = client.get("/").get_data(as_text=True)
    box = '<input id="updates_consent" name="updates_consent" type="checkbox" value="y">'
    assert box in english
    assert "Email me updates about this drive" in english
    russian = client.get("/?lang=ru").get_data(as_text=True)
    assert box in russian
    assert "Присылайте мне новости об этом сборе" in russian


def test_consent_is_kept_with_its_time_only_when_ticked_with_an_email(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    before = utcnow()
    assert donate(client, email="yes@example.org", updates_consent=True).status_code == 200
    assert donate(app.test_client(), email="no@example.org").status_code == 200
    # Ticked with no address: there is nowhere to send updates, so nothing is kept.
    assert donate(app.test_client(), updates_consent=True).status_code == 200
    yes, no, nowhere = gifts(app)
    assert yes.updates_consent_at is not None and before <= yes.updates_consent_at <= utcnow()
    assert no.updates_consent_at is None
    assert nowhere.updates_consent_at is None
    # Sent as a number rather than true/false: refused like any other field.
    response = donate(app.test_client(), email="x@example.org", updates_consent=1)
    assert response.status_code == 400


def test_the_receipt_comes_whether_or_not_updates_were_asked_for(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    assert donate(client, email="no@example.org").status_code == 200
    [gift] = gifts(app)
    assert webhook_success(app.test_client(), gift).status_code == 200
    cli(app, "send-mail")
    assert [r.subject for r in smtp.to("no@example.org")] == ["Your receipt for £4.00"]


def test_erasing_a_donor_erases_their_consent(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        gift = make_donation(campaign, 500, email="ask@example.org", updates_consent_at=utcnow())
        other = make_donation(campaign, 500, email="keep@example.org", updates_consent_at=utcnow())
        privacy.erase_donor("ASK@example.org")
        assert db.session.get_one(Donation, gift.id).updates_consent_at is None
        assert db.session.get_one(Donation, other.id).updates_consent_at is not None


def test_retention_erases_consent_and_counts_it_as_personal(app: Flask, campaign: Campaign) -> None:
    long_ago = utcnow() - timedelta(days=int(app.config["RETENTION_MAX_AGE_DAYS"]) + 1)
    with app.app_context():
        # Only the consent is left: it still counts as personal data to erase.
        gift = make_donation(campaign, 500, created_at=long_ago, updates_consent_at=long_ago)
        camp = db.session.get_one(Campaign, campaign.id)
        assert retention.due(camp).due_now["donations"] == 1
        assert retention.apply()["donations"] == 1
        assert db.session.get_one(Donation, gift.id).updates_consent_at is None
        assert retention.apply()["donations"] == 0  # once only


def test_the_privacy_page_lists_the_consent(client: FlaskClient, campaign: Campaign) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    assert 'data-field="updates-consent"' in page
    assert "that you asked for updates about the drive by email, and when" in page
