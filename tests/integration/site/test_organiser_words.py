"""The organiser's words in each language: written in the dashboard, shown by the
page's language, a missing one falls back to the other (marked with its `lang`),
and the dashboard says what is left to translate."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Team
from fundraiser.services.donations import receipts
from tests.support.accounts import outbox
from tests.support.dashboard import make_donation, post_form

SETTINGS = "/dashboard/settings"
BOTH = {
    "title": "Get them out",
    "title_ru": "Вывезти их",
    "story": "First paragraph.\r\n\r\nSecond.",
    "story_ru": "Первый абзац.\r\n\r\nВторой.",
    "amount": "50000",
    "tiers": "4=a pint, 7=a cocktail",
    "tiers_ru": "4=пинта",
}
RU = {"Accept-Language": "ru"}
NO_RUSSIAN = "No Russian yet — Russian pages show the English."


def stored(app: Flask) -> Campaign:
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        db.session.expunge(campaign)
        return campaign


def test_each_page_shows_the_words_of_its_language(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert post_form(logged_in, SETTINGS, SETTINGS, **BOTH).status_code == 302
    c = stored(app)
    assert (c.title_ru, c.story_ru) == ("Вывезти их", "Первый абзац.\n\nВторой.")
    assert c.tiers == [
        {"amount": 400, "label": "a pint", "label_ru": "пинта"},
        {"amount": 700, "label": "a cocktail"},
    ]
    english = client.get("/").get_data(as_text=True)
    assert "<h1>Get them out</h1>" in english and "Вывезти" not in english
    assert "<p>First paragraph.</p>" in english
    russian = client.get("/", headers=RU).get_data(as_text=True)
    assert "<h1>Вывезти их</h1>" in russian and "<title>Вывезти их</title>" in russian
    assert "<p>Первый абзац.</p>" in russian and "First paragraph" not in russian
    assert '<meta property="og:title" content="Вывезти их">' in russian
    # The tier with no Russian label shows the English one, marked as English.
    assert '<span class="tier-label">пинта</span>' in russian
    assert '<span class="tier-label" lang="en">a cocktail</span>' in russian
    form = logged_in.get(SETTINGS).get_data(as_text=True)
    assert 'value="Вывезти их"' in form and 'value="4.00=пинта"' in form
    assert "No Russian yet for a cocktail" in form
    assert 'data-missing="title-ru"' not in form


def test_a_missing_translation_falls_back_marked_and_the_dashboard_says_so(
    logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    english_only = {**BOTH, "title_ru": "", "story": "", "tiers_ru": ""}
    assert post_form(logged_in, SETTINGS, SETTINGS, **english_only).status_code == 302
    russian = client.get("/", headers=RU).get_data(as_text=True)
    assert '<h1 lang="en">Get them out</h1>' in russian
    # The story is only in Russian: the English page shows it, marked Russian.
    english = client.get("/").get_data(as_text=True)
    assert '<div lang="ru">' in english and "<p>Первый абзац.</p>" in english
    form = logged_in.get(SETTINGS).get_data(as_text=True)
    assert f'data-missing="title-ru">{NO_RUSSIAN}' in form
    assert 'data-missing="story-en">No English yet — English pages show the Russian.' in form
    assert 'data-missing="story-ru"' not in form


def test_bad_russian_tier_labels_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    response = post_form(logged_in, SETTINGS, SETTINGS, **{**BOTH, "tiers_ru": "9=девять"})
    assert response.status_code == 400
    assert "no tier has that amount" in response.get_data(as_text=True)
    assert stored(app).title_ru == ""


def test_team_names_and_notes_in_each_language(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, glasgow: Team
) -> None:
    page = "/dashboard/teams/glasgow"
    before = logged_in.get(page).get_data(as_text=True)
    assert f'data-missing="name-ru">{NO_RUSSIAN}' in before
    fields = {"name": "Glasgow Pride", "name_ru": "Прайд Глазго", "note": "George Sq"}
    assert post_form(logged_in, page, page, **fields).status_code == 302
    russian = client.get("/t/glasgow", headers=RU).get_data(as_text=True)
    assert '<h2 id="team-heading">Прайд Глазго</h2>' in russian
    assert '<p class="team-note" lang="en">George Sq</p>' in russian
    board = client.get("/teams", headers=RU).get_data(as_text=True)
    assert ">Прайд Глазго</a>" in board
    english = client.get("/t/glasgow").get_data(as_text=True)
    assert '<h2 id="team-heading">Glasgow Pride</h2>' in english and "Прайд" not in english
    after = logged_in.get(page).get_data(as_text=True)
    assert 'data-missing="name-ru"' not in after and 'data-missing="note-ru"' in after


def test_a_receipt_names_the_campaign_in_the_donors_language(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    post_form(logged_in, SETTINGS, SETTINGS, **BOTH)
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        for n, locale in enumerate(("ru", "en_GB")):
            donation = make_donation(c, 400, email=f"d{n}@example.org", locale=locale)
            receipts.on_donation_succeeded(donation)
        db.session.commit()
    russian, english = outbox(app, "receipt")
    assert "Вывезти их" in russian.body_text and "Вывезти их" in russian.body_html
    assert "Get them out" in english.body_text and "Вывезти" not in english.body_html


def test_hreflang_links_are_absolute_with_x_default(
    client: FlaskClient, campaign: Campaign
) -> None:
    page = client.get("/?src=qr", base_url="https://evil.example").get_data(as_text=True)
    base = "http://127.0.0.1:5000"  # the development base URL, never the request's Host
    for hreflang, href in [
        ("en", f"{base}/?src=qr&amp;lang=en"),
        ("ru", f"{base}/?src=qr&amp;lang=ru"),
        ("x-default", f"{base}/?src=qr"),
    ]:
        assert f'<link rel="alternate" hreflang="{hreflang}" href="{href}">' in page
    assert "evil.example" not in page


def test_the_thanks_page_says_where_the_receipt_went_without_the_address(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        with_email = make_donation(c, 400, email="secret-donor@example.org").public_id
        without = make_donation(c, 700).public_id
    page = client.get(f"/thanks/{with_email}").get_data(as_text=True)
    assert "on its way to the email address you gave" in page
    assert "secret-donor" not in page
    assert 'data-field="campaign-link">Back to Test drive</a>' in page
    assert "Link to share" in page
    other = client.get(f"/thanks/{without}", headers=RU).get_data(as_text=True)
    assert "Вы не указали адрес электронной почты" in other
