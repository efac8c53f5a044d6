"""Donor privacy: what public pages and the API never show, and erasing a donor."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Erasure
from fundraiser.models.types import utcnow
from fundraiser.services.donations import donations
from tests.support import factories
from tests.support.attack import client_at, donate_as
from tests.support.harness import campaign_totals

pytestmark = pytest.mark.stripe

PRIVATE_NAME = "Ruslan Secretname"
PUBLIC_NAME = "Sasha Openly"
EMAIL = "ruslan.secret@example.org"


def add_donation(app: Flask, campaign: Campaign, **fields: object) -> Donation:
    """A succeeded £4 donation, `fields` overriding."""
    return factories.add_donation(app, campaign.id, status=donations.SUCCEEDED, **fields)


def every_stored_text(app: Flask) -> str:
    """Every value in every table, as one string, to search for leftovers."""
    with app.app_context(), db.engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in conn.execute(table.select())
        )


def test_public_pages_and_api_show_no_email_and_no_private_name(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    private = add_donation(app, campaign, display_name=PRIVATE_NAME, email=EMAIL, message="hi")
    public = add_donation(
        app, campaign, display_name=PUBLIC_NAME, name_public=True, email="sasha@example.org"
    )
    pages = ["/", "/api/progress", "/no-such-page", "/api/donations/nope"]
    for donation in (private, public):
        pages += [f"/thanks/{donation.public_id}", f"/api/donations/{donation.public_id}"]
    for path in pages:
        text = client.get(path).get_data(as_text=True)
        assert "@example.org" not in text, path
        assert PRIVATE_NAME not in text, path


def test_no_raw_address_is_stored(app: Flask, campaign: Campaign) -> None:
    assert donate_as(client_at(app, "203.0.113.9"), amount="4").status_code == 200
    stored = every_stored_text(app)
    assert "203.0.113.9" not in stored
    with app.app_context():
        row = db.session.scalar(sa.select(Donation))
        assert row.client_address_hash and len(row.client_address_hash) == 32


def test_erase_donor_clears_personal_data_keeps_amounts_and_logs_it(
    app: Flask, campaign: Campaign
) -> None:
    add_donation(app, campaign, display_name=PRIVATE_NAME, email=EMAIL, message="Stay safe")
    add_donation(
        app,
        campaign,
        amount_minor=700,
        display_name="R.",
        name_public=True,
        email="Ruslan.Secret@Example.org",  # the same person, typed differently
        client_address_hash="a" * 32,
        client_session_hash="b" * 32,
    )
    other = add_donation(app, campaign, display_name=PUBLIC_NAME, email="sasha@example.org")
    with app.app_context():
        from fundraiser.services.campaigns.campaigns import bump_totals

        bump_totals(campaign.id, raised=1500, donations=3)
        db.session.commit()
    before = campaign_totals(app)

    result = app.test_cli_runner().invoke(args=["fundraiser", "erase-donor", f" {EMAIL.upper()} "])
    assert result.exit_code == 0, result.output
    assert "2 donations" in result.output
    assert EMAIL not in result.output.lower()

    stored = every_stored_text(app).lower()
    for leftover in [EMAIL, PRIVATE_NAME.lower(), "stay safe", "a" * 32]:
        assert leftover not in stored
    with app.app_context():
        rows = db.session.scalars(sa.select(Donation).order_by(Donation.amount_minor)).all()
        assert [(r.amount_minor, r.status) for r in rows] == [
            (400, donations.SUCCEEDED),
            (400, donations.SUCCEEDED),
            (700, donations.SUCCEEDED),
        ]
        kept = db.session.get(Donation, other.id)
        assert (kept.display_name, kept.email) == (PUBLIC_NAME, "sasha@example.org")
        [log] = db.session.scalars(sa.select(Erasure)).all()
        assert log.counts["donations"] == 2
        assert EMAIL not in log.subject_hash
    assert campaign_totals(app) == before

    again = app.test_cli_runner().invoke(args=["fundraiser", "erase-donor", EMAIL])
    assert "0 donations" in again.output
    with app.app_context():
        hashes = db.session.scalars(sa.select(Erasure.subject_hash)).all()
        assert len(hashes) == 2 and hashes[0] == hashes[1]  # the operator can show it was done


def test_erase_donor_needs_an_address(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["fundraiser", "erase-donor", "  "])
    assert result.exit_code == 1
    assert "email address is needed" in result.output


def test_client_keys_are_forgotten_after_the_cool_down(app: Flask, campaign: Campaign) -> None:
    old = add_donation(
        app,
        campaign,
        client_address_hash="c" * 32,
        client_session_hash="d" * 32,
        created_at=utcnow() - timedelta(days=2),
    )
    new = add_donation(app, campaign, client_address_hash="e" * 32, client_session_hash="f" * 32)
    result = app.test_cli_runner().invoke(args=["fundraiser", "forget-client-keys"])
    assert "from 1 donations" in result.output
    with app.app_context():
        assert db.session.get(Donation, old.id).client_address_hash is None
        assert db.session.get(Donation, new.id).client_address_hash == "e" * 32


def test_erase_donor_reaches_pledges_the_outbox_and_suppressions(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """A supporter who pledged and was mailed is erased everywhere, the totals kept true."""
    from fundraiser.mail import outbox
    from fundraiser.models import EmailSuppression, OutboxMessage, Pledge
    from tests.support.pledges import make_pledge, today

    add_donation(app, campaign, email=EMAIL, display_name=PRIVATE_NAME)
    assert make_pledge(client, payday=today(), email=EMAIL, tier="700").status_code == 303
    with app.app_context():
        outbox.suppress(EMAIL, outbox.BOUNCED, "550 from a test")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) >= 1
    assert client.get("/api/progress").json["pledged"] == 700

    result = app.test_cli_runner().invoke(args=["fundraiser", "erase-donor", EMAIL])
    assert result.exit_code == 0, result.output

    assert EMAIL not in every_stored_text(app).lower()
    with app.app_context():
        pledge = db.session.scalar(sa.select(Pledge))
        assert (pledge.status, pledge.amount_minor) == ("cancelled", 700)
        assert {m.status for m in db.session.scalars(sa.select(OutboxMessage))} <= {
            "sent",
            "failed",
        }
        assert db.session.scalar(sa.select(EmailSuppression.address)) != EMAIL
        assert outbox.is_suppressed(EMAIL, "receipt") == outbox.BOUNCED, "still no mail to it"
        erasure = db.session.scalar(sa.select(Erasure).order_by(Erasure.id.desc()))
        assert erasure.counts["pledges"] == 1 and erasure.counts["outbox"] >= 1
    assert client.get("/api/progress").json["pledged"] == 0
