"""The warning before the card form: defaults in both languages, the organiser's override."""

from __future__ import annotations

import html

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign
from fundraiser.services.campaigns.risk_warning import DEFAULTS
from tests.support.dashboard import post_form

SETTINGS = {
    "title": "Get them out",
    "amount": "50000",
    "tiers": "4=a pint, 7=a cocktail, 20=a round",
}


def _page(client: FlaskClient, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def test_each_language_shows_its_default_before_the_card_form(
    client: FlaskClient, campaign: Campaign
) -> None:
    russian = _page(client, "/?lang=ru")
    assert DEFAULTS["ru"] in russian and DEFAULTS["en"] not in russian
    assert russian.index(DEFAULTS["ru"]) < russian.index('id="payment-element"')
    english = _page(client, "/?lang=en")
    assert DEFAULTS["en"] in english and DEFAULTS["ru"] not in english
    assert english.index(DEFAULTS["en"]) < english.index('id="payment-element"')


def test_an_organiser_rewords_the_warning_and_blank_brings_back_the_default(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    ours = "Платёж с российской карты видят власти. Передайте наличные группе «Выход»."
    response = post_form(
        logged_in, "/dashboard/settings", "/dashboard/settings", risk_warning_ru=ours, **SETTINGS
    )
    assert response.status_code == 302
    russian = _page(client, "/?lang=ru")
    assert ours in russian and DEFAULTS["ru"] not in russian
    assert DEFAULTS["en"] in _page(client, "/?lang=en")  # the other language keeps its default
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "settings"))
        assert entry.detail["changes"]["risk_warning_ru"] == {
            "before_chars": 0,
            "after_chars": len(ours),
        }
    response = post_form(
        logged_in, "/dashboard/settings", "/dashboard/settings", risk_warning_ru="  ", **SETTINGS
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Campaign.risk_warning_ru)) is None
    assert DEFAULTS["ru"] in _page(client, "/?lang=ru")


def test_a_too_long_warning_is_refused_and_changes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    response = post_form(
        logged_in,
        "/dashboard/settings",
        "/dashboard/settings",
        risk_warning_en="x" * 2_001,
        **SETTINGS,
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Campaign.risk_warning_en)) is None
