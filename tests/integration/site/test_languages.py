"""The public pages in Russian: chosen by Accept-Language, the switch or its cookie,
with no English left on the donation path; English stays the default."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Team
from fundraiser.money import format_money_in
from fundraiser.services import tokens
from fundraiser.services.campaigns import campaigns
from tests.support.factories import add_donation, make_team
from tests.support.http import csrf_token, donate
from tests.support.i18n import english_words, readable_text
from tests.support.pledges import make_pledge, pledges, today

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
# Words of the donation path a Russian reader must never meet.
ENGLISH_PHRASES = [
    "Give the price of a drink",
    "Donate",
    "raised of",
    "donation",
    "Amount",
    "Other",
    "your choice",
    "Email for a receipt",
    "Card",
    "Secure payment",
    "Pledge",
    "payday",
    "Thank you",
    "Confirming",
    "Back to the campaign",
    "Payments are handled by Stripe",
    "Why now",
    "Teams",
]


@pytest.fixture
def drive(app: Flask) -> Campaign:
    """A campaign the organisers typed in Russian, with a team and a deadline."""
    with app.app_context():
        created = campaigns.create_campaign(
            title="Эвакуация из Чечни",
            target_minor=5_000_000,
            currency="gbp",
            deadline=datetime.now(UTC) + timedelta(days=30),
            tiers=[
                {"amount": 400, "label": "пинта"},
                {"amount": 700, "label": "коктейль"},
                {"amount": 2000, "label": "на всех"},
            ],
            story="Людей нужно вывезти сейчас.",
        )
        db.session.refresh(created)
        db.session.expunge(created)
        return created


@pytest.fixture
def team(app: Flask, drive: Campaign) -> Team:
    return make_team(app, drive.id, "Прайд Глазго", slug="glasgow", target_minor=200_000)


def russian(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path, headers=RU)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Language"] == "ru"
    return response.get_data(as_text=True)


def assert_all_russian(html: str) -> None:
    assert 'lang="ru"' in html
    assert english_words(html) == set(), readable_text(html)
    for phrase in ENGLISH_PHRASES:
        assert phrase not in readable_text(html), phrase


def test_english_is_the_default(client: FlaskClient, drive: Campaign) -> None:
    for headers in ({}, {"Accept-Language": "de-DE,fr;q=0.8"}, {"Accept-Language": "en-US"}):
        response = client.get("/", headers=headers)
        html = response.get_data(as_text=True)
        assert '<html lang="en-GB"' in html
        assert "Give the price of a drink" in html
        assert "£0.00 raised of £50,000 from 0 donations" in html
        assert response.headers["Content-Language"] == "en"


def test_every_page_of_the_donation_path_is_all_russian(
    app: Flask, client: FlaskClient, drive: Campaign, team: Team
) -> None:
    client.set_cookie("lang", "ru")
    assert make_pledge(client, payday=today() + timedelta(days=2), tier="700").status_code == 303
    [pledge] = pledges(app)
    donation = add_donation(app, drive.id, team_id=team.id, fee_cover_minor=27)
    failed = add_donation(app, drive.id, status="failed", failure_message="Your card was declined.")
    with app.app_context():
        pay, cancel, unsubscribe = (
            tokens.sign(purpose, pledge.public_id)
            for purpose in (tokens.PAY, tokens.CANCEL, tokens.UNSUBSCRIBE)
        )
    client.delete_cookie("lang")
    friday_choice = "Сегодня, в пятницу" if today().weekday() == 4 else "В эту пятницу"

    pages = {
        "/": ["Пожертвуйте стоимость одного напитка", "Пожертвовать", "Почему сейчас"],
        "/t/glasgow": ["Прайд Глазго", "Каждое пожертвование на этой странице"],
        "/teams": ["Команды, которые собирают на «Эвакуация из Чечни»", "Все команды"],
        # The quick choice says "today" when today is the Friday (services/pledges).
        "/pledge": ["Не можете сегодня?", "Ваш день зарплаты", friday_choice],
        f"/pledge/made/{pledge.public_id}": ["Спасибо за ваше обещание", "7,00\xa0£"],
        f"/pledge/{pay}": ["Настал день зарплаты", "Пожертвуйте обещанное"],
        f"/pledge/cancel/{cancel}": ["Отменить обещание?"],
        f"/unsubscribe/{unsubscribe}": ["Отписаться от напоминаний?"],
        f"/thanks/{donation.public_id}": ["Подтверждаем ваше пожертвование", "Спасибо!"],
        f"/thanks/{failed.public_id}": ["Платёж не прошёл", "Карта отклонена."],
        "/embed/progress": ["Собрано 0,00\xa0£ из 50\xa0000\xa0£"],
    }
    for path, phrases in pages.items():
        html = russian(client, path)
        assert_all_russian(html)
        text = readable_text(html)
        for phrase in phrases:
            assert phrase in text, (path, phrase)


def test_amounts_plurals_and_dates_follow_the_language(
    app: Flask, client: FlaskClient, drive: Campaign
) -> None:
    html = russian(client, "/")
    text = readable_text(html)
    assert "Собрано 0,00\xa0£ из 50\xa0000\xa0£ — 0 пожертвований" in text
    # The scripts get every Russian plural form, keyed as Intl.PluralRules names them.
    words = json.loads(re.search(r"data-words='([^']*)'", html).group(1))  # type: ignore[union-attr]
    assert words["days"] == {"one": "%(num)s день", "few": "%(num)s дня", "many": "%(num)s дней"}
    assert words["summary"]["few"] == "Собрано %(raised)s — %(num)s пожертвования"
    assert "От 1,00\xa0£ до 10\xa0000\xa0£." in text
    assert "Добавить 0,27\xa0£, чтобы Сеть получила все 4\xa0£ целиком" in text
    deadline = drive.deadline.astimezone(UTC)
    assert f"Срок: {deadline.day} " in text and f"{deadline.year}\u202fг." in text
    # Russian plurals: 1 пожертвование, 2-4 пожертвования, 5+ пожертвований.
    for count, word in ((1, "пожертвование"), (3, "пожертвования"), (11, "пожертвований")):
        with app.app_context():
            row = db.session.get(Campaign, drive.id)
            assert row is not None
            row.donations_count = count
            db.session.commit()
        assert f"— {count} {word}" in readable_text(russian(client, "/"))


def test_error_pages_and_refused_links_are_russian(client: FlaskClient, drive: Campaign) -> None:
    assert "Такой страницы нет." in readable_text(russian(client, "/nope", 404))
    assert_all_russian(russian(client, "/nope", 404))
    bad_link = russian(client, "/pledge/not-a-token", 400)
    assert "Ссылка недействительна." in readable_text(bad_link)
    assert_all_russian(bad_link)
    assert "Такой команды нет." in readable_text(russian(client, "/t/atlantis", 404))


def test_the_servers_messages_to_donors_are_russian(
    app: Flask, client: FlaskClient, drive: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    for limit in ("DONATE_LIMITS_PER_SESSION", "DONATE_LIMITS_PER_ADDRESS"):
        monkeypatch.setitem(app.config, limit, "100/minute")
    token = csrf_token(client)
    client.set_cookie("lang", "ru")
    cases = [
        ({"amount": "0.50"}, "Минимальное пожертвование — 1,00\xa0£."),
        ({"amount": "20000"}, "Максимальное пожертвование онлайн — 10\xa0000,00\xa0£."),
        ({"amount": "abc"}, "Пожалуйста, введите сумму цифрами, например 4 или 4,50."),
        ({"amount": ""}, "Пожалуйста, введите сумму."),
        ({"email": "not-an-email"}, "Похоже, в адресе email ошибка."),
        ({"amount": 4}, "Пожалуйста, отправьте это как текст."),
        ({"team": "atlantis"}, "Такой команды нет. Пожалуйста, перезагрузите страницу"),
    ]
    for fields, message in cases:
        response = donate(client, token, **fields)
        assert response.status_code == 400, fields
        assert response.json["error"].startswith(message), response.json
    # WTForms' own messages come in Russian too.
    long_name = donate(client, token, display_name="x" * 81)
    assert "80" in long_name.json["error"] and english_words(long_name.json["error"]) == set()
    refused = donate(client, token, website="http://spam.example")
    assert refused.status_code == 429
    assert refused.json["error"] == (
        "Сейчас мы не можем начать оплату картой отсюда. Деньги не списаны. "
        "Пожалуйста, попробуйте позже."
    )
    csrf = client.post("/donate", json={"amount": "4"}, headers={"Accept": "application/json"})
    assert csrf.json["error"].startswith("Сессия истекла")


def test_pledge_errors_are_russian(client: FlaskClient, drive: Campaign) -> None:
    client.set_cookie("lang", "ru")
    for fields, message in [
        ({"payday_other": "2001-01-01"}, "Эта дата уже прошла."),
        ({"payday_other": "not-a-date"}, "Это не похоже на дату."),
        ({"email": ""}, "Пожалуйста, укажите email"),
        ({"payday_other": "2999-01-01"}, "Сбор закончится "),
    ]:
        response = make_pledge(client, payday=today(), **fields)
        assert response.status_code == 400
        assert message in readable_text(response.get_data(as_text=True)), fields


def test_the_switch_sets_a_cookie_the_next_pages_follow(
    client: FlaskClient, drive: Campaign
) -> None:
    english = client.get("/").get_data(as_text=True)
    assert '<a href="/?lang=ru" lang="ru" hreflang="ru"' in english
    switched = client.get("/?lang=ru")
    assert 'lang="ru"' in switched.get_data(as_text=True)
    cookies = switched.headers.getlist("Set-Cookie")
    [cookie] = [c for c in cookies if c.startswith("lang=")]
    assert "lang=ru" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    for path in ("/", "/teams", "/pledge", "/nope"):
        assert 'lang="ru"' in client.get(path).get_data(as_text=True), path
    # The switch back wins over the cookie and over Accept-Language, and is remembered.
    back = client.get("/teams?lang=en", headers=RU).get_data(as_text=True)
    assert 'lang="en-GB"' in back
    assert 'lang="en-GB"' in client.get("/", headers=RU).get_data(as_text=True)
    # Unknown languages are ignored.
    assert 'lang="en-GB"' in client.get("/?lang=xx").get_data(as_text=True)


def test_localized_answers_say_what_they_vary_on(client: FlaskClient, drive: Campaign) -> None:
    page = client.get("/", headers=RU)
    assert set(page.headers["Vary"].replace(" ", "").split(",")) >= {"Accept-Language", "Cookie"}
    # The widget reads no cookie and sets none, so only the browser's language counts.
    client.set_cookie("lang", "ru")
    widget = client.get("/embed/progress", headers={"Accept-Language": "en"})
    assert 'lang="en-GB"' in widget.get_data(as_text=True)
    assert widget.headers["Vary"] == "Accept-Language"
    asked = client.get("/embed/progress?lang=ru")
    assert 'lang="ru"' in asked.get_data(as_text=True) and "Set-Cookie" not in asked.headers
    assert 'href="http://localhost/?lang=ru"' in asked.get_data(as_text=True)
    # The totals every page polls are the same in every language: no Vary.
    progress = client.get("/api/progress", headers=RU)
    assert "Accept-Language" not in progress.headers.get("Vary", "")


def test_the_dashboard_stays_english(client: FlaskClient, drive: Campaign) -> None:
    client.set_cookie("lang", "ru")
    login = client.get("/login", headers=RU)
    assert login.status_code == 200
    html = login.get_data(as_text=True)
    assert "Accept-Language" not in login.headers.get("Vary", "")
    assert 'lang="ru"' not in html


def test_the_donation_keeps_the_pages_language(
    app: Flask, client: FlaskClient, drive: Campaign
) -> None:
    from tests.support.pledges import donations

    client.set_cookie("lang", "ru")
    assert donate(client, amount="4").status_code == 200
    client.set_cookie("lang", "en")
    assert donate(client, amount="7").status_code == 200
    assert [(d.amount_minor, d.locale) for d in donations(app)] == [(400, "ru"), (700, "en")]
    assert format_money_in(400, "gbp", "ru") == "4,00\xa0£"
