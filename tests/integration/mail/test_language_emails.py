"""Emails go out in the language the supporter's page was in, whoever sends them
(the request itself, the webhook, or the reminder job)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign
from tests.support.http import donate
from tests.support.i18n import english_words
from tests.support.pledges import at, cli, donations, make_pledge, pledges, today, webhook_success
from tests.support.smtp import SmtpSink

_URL = re.compile(r"https?://\S+")


def words_of(text: str) -> set[str]:
    """The Latin words of an email that are not links or allowed names."""
    return english_words("<p>" + _URL.sub(" ", text).replace("<", " ") + "</p>")


@pytest.fixture(autouse=True)
def _public_base(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://fundraiser.test")


def test_a_russian_pledge_gets_russian_emails(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    client.set_cookie("lang", "ru")
    payday = today() + timedelta(days=2)
    assert make_pledge(client, payday=payday, email="sasha@example.org").status_code == 303
    assert [p.locale for p in pledges(app)] == ["ru"]
    [confirmation] = smtp.to("sasha@example.org")
    assert confirmation.subject == "Ваше обещание 7,00\xa0£ для «Test drive»"
    assert "Вы обещали пожертвовать 7,00\xa0£ в день зарплаты" in confirmation.text
    assert re.search(rf"— [а-я]+, {payday.day} [а-я]+ {payday.year}\sг\.", confirmation.text)
    assert words_of(confirmation.text) == {"Test", "drive"}  # the organiser's title stays
    assert 'lang="ru"' in confirmation.html

    # The reminder job runs with no request at all, and still writes in Russian.
    cli(app, "send-reminders", "--now", at(payday))
    reminder = smtp.to("sasha@example.org")[-1]
    assert reminder.subject == "День зарплаты: ваши 7,00\xa0£ для «Test drive»"
    assert "Ссылка действует 14 дней." in reminder.text
    assert words_of(reminder.text) == {"Test", "drive"}


def test_receipts_follow_the_donors_page_and_old_rows_stay_english(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    client.set_cookie("lang", "ru")
    assert donate(client, amount="4", email="ru@example.org").status_code == 200
    english = app.test_client()
    assert donate(english, amount="7", email="en@example.org").status_code == 200
    ru_gift, en_gift = donations(app)
    # The webhook's own request has no language; each receipt takes its donor's.
    for gift in (ru_gift, en_gift):
        assert webhook_success(app.test_client(), gift).status_code == 200
    cli(app, "send-mail")
    [ru_receipt] = smtp.to("ru@example.org")
    assert ru_receipt.subject == "Квитанция на 4,00\xa0£"
    assert "подтверждено" in ru_receipt.html and "UTC" in ru_receipt.text
    assert f"Номер: {ru_gift.public_id}" in ru_receipt.text
    assert words_of(ru_receipt.text.replace(ru_gift.public_id, "")) == {"Test", "drive"}
    [en_receipt] = smtp.to("en@example.org")
    assert en_receipt.subject == "Your receipt for £7.00"
    assert "Thank you for giving £7.00 to Test drive." in en_receipt.text
