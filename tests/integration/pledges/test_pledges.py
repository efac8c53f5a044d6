"""Pledges through the form, and payday reminders, with a real SMTP server on loopback."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser import mail
from fundraiser.models import Campaign
from fundraiser.services.pledges import reminders
from tests.support.attack import client_at
from tests.support.concurrency import run_at_once
from tests.support.factories import set_deadline
from tests.support.pledges import (
    at,
    cli,
    link_path,
    links,
    make_pledge,
    outbox,
    pledges,
    today,
    totals,
)
from tests.support.smtp import SmtpSink

BASE = "http://fundraiser.test"


@pytest.fixture(autouse=True)
def _public_base(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def test_pledge_counts_as_pledged_and_confirms_at_once(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today() + timedelta(days=3)
    response = make_pledge(client, payday=payday, email="pat@example.org")
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    [pledge] = pledges(app)
    assert (pledge.status, pledge.amount_minor, pledge.payday, pledge.consent) == (
        "pledged",
        700,
        payday,
        True,
    )
    assert totals(app) == {"raised": 0, "donations": 0, "pledged": 700}
    progress = client.get("/api/progress").json
    assert (progress["pledged"], progress["raised"]) == (700, 0)
    [confirmation] = smtp.to("pat@example.org")
    assert confirmation.subject == "Your £7.00 pledge to Test drive"
    assert payday.strftime("%A %-d %B %Y") in confirmation.text
    assert "email you a link to pay" in confirmation.text
    assert link_path(confirmation.text, "/pledge/cancel/")
    assert "/pledge/cancel/" in confirmation.html
    # The campaign page shows the pledge in words.
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"plus <span[^>]*>£7\.00</span> pledged for payday", page)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": ""}, "Please give your email"),
        ({"email": "not-an-email"}, "That email address doesn't look right."),
        ({"tier": "custom", "custom_amount": "0.50"}, "The smallest gift is £1.00."),
        ({"tier": "custom", "custom_amount": "abc"}, "Please enter an amount in numbers"),
        ({"tier": "999"}, "Please enter an amount."),
        ({"payday_other": "2001-01-01"}, "That date has passed."),
        ({"payday_other": "not-a-date"}, "That doesn't look like a date."),
        ({"payday_choice": "2001-01-01"}, "That date has passed."),
        ({"payday_choice": "someday"}, "Please choose your payday."),
        ({"payday_other": ""}, "Please choose your payday."),
    ],
)
def test_bad_pledges_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, campaign: Campaign, fields: dict, message: str
) -> None:
    values = {"payday": today() + timedelta(days=2), **fields}
    payday = values.pop("payday")
    response = make_pledge(client, payday=payday, **values)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert pledges(app) == []
    assert outbox(app) == []
    assert totals(app)["pledged"] == 0


def test_payday_after_the_deadline_is_refused(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    deadline = datetime.combine(today() + timedelta(days=5), datetime.min.time(), UTC)
    set_deadline(app, deadline)
    response = make_pledge(client, payday=today() + timedelta(days=6))
    assert response.status_code == 400
    assert "Please choose a payday before then." in response.get_data(as_text=True)
    assert make_pledge(client, payday=today() + timedelta(days=5)).status_code == 303


def test_an_ended_drive_takes_no_pledges(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    set_deadline(app, datetime.now(UTC) - timedelta(minutes=1))
    response = make_pledge(client, payday=today())
    assert response.status_code == 400
    assert pledges(app) == []


def test_reminder_on_payday_once_with_a_working_link(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today() + timedelta(days=2)
    make_pledge(client, payday=payday, email="pat@example.org")
    cli(app, "send-reminders", "--now", at(payday - timedelta(days=1)))
    assert len(smtp.to("pat@example.org")) == 1, "only the confirmation before payday"
    cli(app, "send-reminders", "--now", at(payday, hour=7))
    assert len(smtp.to("pat@example.org")) == 1, "reminders go in the morning, from 08:00 UTC"

    result = cli(app, "send-reminders", "--now", at(payday))
    assert "reminded 1" in result.output
    reminder = smtp.to("pat@example.org")[-1]
    assert reminder.subject == "It's payday: your £7.00 for Test drive"
    assert f"{BASE}/pledge/" in reminder.text
    pay_path = link_path(reminder.text, "/pledge/")
    page = client.get(pay_path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "you pledged <strong>£7.00</strong>" in body
    assert re.search(r'value="700"\s+checked', body), "the pledged amount is chosen"
    assert f'action="{pay_path}/donate"' in body
    assert 'value="pat@example.org"' in body, "the receipt email is filled in"
    # List-Unsubscribe, one-click, and a link in the body.
    assert reminder.message["List-Unsubscribe"].startswith(f"<{BASE}/unsubscribe/")
    assert reminder.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_path(reminder.text, "/unsubscribe/")

    for _ in range(2):
        cli(app, "send-reminders", "--now", at(payday, hour=10))
    assert len(smtp.to("pat@example.org")) == 2, "confirmation + one reminder, whatever the runs"
    assert len(outbox(app)) == 2


def test_reminder_runs_at_once_send_each_reminder_once(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today()
    for i in range(6):  # six supporters (one address may only pledge 5 a minute)
        make_pledge(client_at(app, f"192.0.2.{i + 1}"), payday=payday, email=f"p{i}@example.org")
    now = datetime.fromisoformat(at(payday))

    def run() -> None:
        with app.app_context():
            reminders.send_due(now)
            mail.deliver_due()

    run_at_once(run, threads=3)
    for i in range(6):
        got = smtp.to(f"p{i}@example.org")
        assert [m.subject.startswith("It's payday") for m in got] == [False, True]
    assert {p.reminders_sent for p in pledges(app)} == {1}


def test_one_follow_up_three_days_later_then_lapsed(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today()
    make_pledge(client, payday=payday, email="pat@example.org")
    subjects = lambda: [m.subject for m in smtp.to("pat@example.org")]  # noqa: E731
    cli(app, "send-reminders", "--now", at(payday))
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=2)))
    assert len(subjects()) == 2
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=3)))
    assert subjects()[-1] == "Last reminder: your £7.00 pledge for Test drive"
    assert "last email we'll send" in smtp.to("pat@example.org")[-1].text
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=5)))
    assert pledges(app)[0].status == "pledged"
    result = cli(app, "send-reminders", "--now", at(payday + timedelta(days=6)))
    assert "lapsed 1" in result.output
    assert pledges(app)[0].status == "lapsed"
    assert totals(app)["pledged"] == 0
    for days in (7, 20):
        cli(app, "send-reminders", "--now", at(payday + timedelta(days=days)))
    assert len(subjects()) == 3
    assert totals(app)["pledged"] == 0


def test_without_consent_no_reminder_and_it_lapses_after_a_week(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today()
    make_pledge(client, payday=payday, email="quiet@example.org", consent=False)
    [confirmation] = smtp.to("quiet@example.org")
    assert "chose not to get a payday email" in confirmation.text
    cli(app, "send-reminders", "--now", at(payday))
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=3)))
    assert len(smtp.to("quiet@example.org")) == 1
    assert totals(app)["pledged"] == 700
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=7)))
    assert pledges(app)[0].status == "lapsed"
    assert totals(app)["pledged"] == 0


def test_unsubscribe_stops_every_reminder_at_once(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today()
    make_pledge(client, payday=payday, email="Sam@Example.org")
    make_pledge(client, payday=payday + timedelta(days=4), email="sam@example.org")
    cli(app, "send-reminders", "--now", at(payday))
    reminder = smtp.to("Sam@Example.org")[-1]
    unsubscribe = link_path(reminder.text, "/unsubscribe/")
    # Queue the follow-up but do not send it yet.
    with app.app_context():
        reminders.send_due(datetime.fromisoformat(at(payday + timedelta(days=3))))
    assert outbox(app)[-1].status == "queued"

    assert client.get(unsubscribe).status_code == 200, "a GET (a mail scanner) changes nothing"
    assert {p.consent for p in pledges(app)} == {True}
    # RFC 8058 one-click: a POST with no session and no CSRF token.
    response = app.test_client().post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert {p.consent for p in pledges(app)} == {False}
    sent_before = len(smtp.received)
    cli(app, "send-mail")
    assert outbox(app)[-1].status == "suppressed", "the queued follow-up is not sent"
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=4)))
    assert len(smtp.received) == sent_before, "nor the other pledge's reminder"
    assert app.test_client().post(unsubscribe).status_code == 200, "unsubscribing twice is fine"
    # Confirmations are transactional and still go; a newly ticked box is fresh consent.
    make_pledge(client, payday=payday + timedelta(days=5), email="sam@example.org")
    assert smtp.received[-1].subject == "Your £7.00 pledge to Test drive"
    cli(app, "send-reminders", "--now", at(payday + timedelta(days=5)))
    assert smtp.received[-1].subject == "It's payday: your £7.00 for Test drive"
    assert len(smtp.received) == sent_before + 2


def test_no_email_address_in_any_link(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    make_pledge(client, payday=today(), email="private.person@example.org")
    cli(app, "send-reminders", "--now", at(today()))
    for message in smtp.received:
        for url in links(message.text):
            payload = url.rsplit("/", 1)[-1].split(".")[0]
            decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            assert b"private.person" not in decoded, url


def test_cancel_link_asks_first_then_cancels_once(
    app: Flask, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    payday = today() + timedelta(days=1)
    make_pledge(client, payday=payday, email="pat@example.org")
    cancel = link_path(smtp.to("pat@example.org")[0].text, "/pledge/cancel/")
    page = client.get(cancel)
    assert page.status_code == 200
    assert "Cancel your pledge?" in page.get_data(as_text=True)
    assert pledges(app)[0].status == "pledged"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    response = client.post(cancel, data={"csrf_token": token.group(1)})
    assert response.status_code == 200
    assert "Your pledge is cancelled" in response.get_data(as_text=True)
    assert pledges(app)[0].status == "cancelled"
    assert totals(app)["pledged"] == 0
    again = client.post(cancel, data={"csrf_token": token.group(1)})
    assert again.status_code == 410
    assert client.get(cancel).status_code == 410
    assert totals(app)["pledged"] == 0
    cli(app, "send-reminders", "--now", at(payday))
    assert len(smtp.to("pat@example.org")) == 1, "no reminder for a cancelled pledge"
