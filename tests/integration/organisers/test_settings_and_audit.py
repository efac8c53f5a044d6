"""Campaign settings from the dashboard, and the audit log that records every action."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign
from tests.support.dashboard import post_form
from tests.support.harness import ORGANISER_PASSWORD

SETTINGS = {
    "title": "Get them out",
    "story": "First paragraph.\r\n\r\nSecond.",
    "amount": "60000",
    "deadline": "2017-05-31T23:59",
    "tiers": "5=a pint, 8=a cocktail, 25=a round",
}


def stored(app: Flask) -> Campaign:
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        db.session.expunge(campaign)
        return campaign


def test_settings_change_the_campaign_and_the_public_figures(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    page = logged_in.get("/dashboard/settings").get_data(as_text=True)
    assert 'value="50000.00"' in page and "4.00=a pint, 7.00=a cocktail, 20.00=a round" in page
    assert "GBP" in page
    version = client.get("/api/progress").json
    response = post_form(logged_in, "/dashboard/settings", "/dashboard/settings", **SETTINGS)
    assert response.status_code == 302
    c = stored(app)
    assert (c.title, c.story, c.target_minor) == (
        "Get them out",
        "First paragraph.\n\nSecond.",
        6_000_000,
    )
    assert c.deadline is not None and c.deadline.isoformat() == "2017-05-31T23:59:00+00:00"
    assert c.tiers == [
        {"amount": 500, "label": "a pint"},
        {"amount": 800, "label": "a cocktail"},
        {"amount": 2500, "label": "a round"},
    ]
    assert c.currency == "gbp"
    api = client.get("/api/progress").json
    assert api["target"] == 6_000_000 and api != version
    public = client.get("/").get_data(as_text=True)
    assert "Get them out" in public and "a cocktail" in public
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings"))
    assert entry.actor == "robin@example.org"
    assert entry.detail["changes"]["target_minor"] == {"before": 5_000_000, "after": 6_000_000}
    assert set(entry.detail["changes"]) == {"title", "story", "target_minor", "deadline", "tiers"}


def test_bad_settings_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    before = stored(app)
    for fields, message in [
        ({"tiers": "4=a pint, lots=a round"}, "Tier"),
        ({"amount": "0"}, "more than zero"),
        ({"title": ""}, "This field is required."),
        ({"deadline": "soon"}, "Not a valid datetime value."),
    ]:
        response = post_form(
            logged_in, "/dashboard/settings", "/dashboard/settings", **{**SETTINGS, **fields}
        )
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    after = stored(app)
    assert (after.title, after.target_minor, after.tiers) == (
        before.title,
        before.target_minor,
        before.tiers,
    )


def test_audit_log_shows_every_action_with_who_and_no_secrets(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    logged_in.get("/dashboard/donations.csv")
    post_form(logged_in, "/dashboard/settings", "/dashboard/settings", **SETTINGS)
    page = logged_in.get("/dashboard/audit").get_data(as_text=True)
    for text in ("Logged in", "Exported donations as CSV", "Changed title", "robin@example.org"):
        assert text in page
    with app.app_context():
        everything = repr(
            [
                (e.actor, e.action, e.summary, e.detail)
                for e in db.session.scalars(sa.select(AuditEntry))
            ]
        )
    for secret in (ORGANISER_PASSWORD, "argon2", app.config["SECRET_KEY"], "sk_test", "whsec"):
        assert secret not in everything and secret not in page


def test_audit_record_drops_secret_looking_keys(app: Flask) -> None:
    from fundraiser.services.organisers import audit

    with app.app_context():
        entry = audit.record("x", "y", password="hunter2", api_key="k", note="kept")
        assert entry.detail == {"note": "kept"}
        db.session.rollback()
