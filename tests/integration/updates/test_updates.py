"""Updates: posted from the dashboard (audited, whole-campaign organisers only), shown
newest first with their day, and emailed over real SMTP exactly once to each
supporter who ticked "email me updates", in their language, with a one-click
unsubscribe that stops updates only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.mail import outbox
from fundraiser.models import Campaign, CampaignUpdate, Donation, OutboxMessage, Team
from fundraiser.services.donations import privacy
from fundraiser.services.updates import update_mail
from tests.support.dashboard import audit_entries, make_donation, post_form
from tests.support.media import assert_no_metadata, media_paths, phone_photo, post_files
from tests.support.pledges import cli
from tests.support.smtp import SmtpSink
from tests.support.team_dashboard import team_organiser

PAGE = "/dashboard/updates"
ASKED = datetime(2017, 4, 20, 12, 0, tzinfo=UTC)
_STOP = re.compile(r"<(http://fundraiser\.test(/updates/stop/[^>]+))>")


@pytest.fixture(autouse=True)
def _public_base(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://fundraiser.test")


def supporters(app: Flask, campaign: Campaign) -> None:
    """Who gave, and who asked for updates:
    - ru@: asked, twice (one address in two spellings), on a Russian page;
    - en@: asked, on an English page;
    - quiet@: gave with an email, did not ask;
    - failed@: asked, but the payment never went through;
    - a gift with no email (asked: nothing to send to)."""
    with app.app_context():
        make_donation(campaign, 500, email="ru@example.org", locale="ru", updates_consent_at=ASKED)
        make_donation(campaign, 700, email="RU@example.org", locale="ru", updates_consent_at=ASKED)
        make_donation(campaign, 400, email="en@example.org", locale="en", updates_consent_at=ASKED)
        make_donation(campaign, 900, email="quiet@example.org", locale="en")
        make_donation(
            campaign, 300, status="failed", email="failed@example.org", updates_consent_at=ASKED
        )
        make_donation(campaign, 200, updates_consent_at=ASKED)


def post_update(client: FlaskClient, **fields: object) -> object:
    return post_files(client, PAGE, **{"text": "", "text_ru": "", **fields})


def everyone(smtp: SmtpSink) -> list[str]:
    return sorted(address.lower() for r in smtp.received for address in r.rcpt_tos)


def stop_link(message: EmailMessage) -> str:
    match = _STOP.fullmatch(str(message["List-Unsubscribe"]))
    assert match, message["List-Unsubscribe"]
    return match.group(2)


def test_an_update_reaches_exactly_the_supporters_who_opted_in_once_each(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    supporters(app, campaign)
    response = post_update(
        logged_in, text="The first family is safe.", text_ru="Первая семья в безопасности."
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    cli(app, "send-mail")
    cli(app, "send-mail")  # a second run sends nothing again
    assert everyone(smtp) == ["en@example.org", "ru@example.org"]

    [ru] = smtp.to("ru@example.org") or smtp.to("RU@example.org")
    assert ru.subject == "Новости, о которых вы просили"  # neutral: no cause, no drive
    assert "Первая семья в безопасности." in ru.text and "first family" not in ru.text
    assert 'lang="ru"' in ru.html
    [en] = smtp.to("en@example.org")
    assert en.subject == "News you asked for"
    assert "The first family is safe." in en.text
    for received in (ru, en):
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert stop_link(received.message) in received.text
        assert "/forget/" in received.text  # "delete my details" too

    # A second update goes once more to each, and only to them.
    assert post_update(logged_in, text="Two more are out.").status_code == 302
    cli(app, "send-mail")
    assert everyone(smtp) == ["en@example.org"] * 2 + ["ru@example.org"] * 2
    # Written only in English: the Russian supporter gets the English words, marked.
    latest_ru = (smtp.to("ru@example.org") or smtp.to("RU@example.org"))[-1]
    assert "Two more are out." in latest_ru.text
    assert '<div lang="en">' in latest_ru.html

    entries = audit_entries(app, "update")
    assert [e.detail["emails_queued"] for e in entries] == [2, 2]
    assert entries[0].actor == "robin@example.org"


def test_one_click_unsubscribe_stops_updates_only(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    supporters(app, campaign)
    assert post_update(logged_in, text="First news.").status_code == 302
    cli(app, "send-mail")
    [en] = smtp.to("en@example.org")
    link = stop_link(en.message)

    # Opening the link (a mail scanner does) changes nothing; it asks.
    page = client.get(link)
    assert page.status_code == 200 and "Stop update emails?" in page.get_data(as_text=True)
    # RFC 8058: the mail client posts this body, with no session and no CSRF token.
    stopped = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert stopped.status_code == 200
    assert "You're unsubscribed" in stopped.get_data(as_text=True)
    assert app.test_client().post(link).status_code == 200  # again: still fine

    assert post_update(logged_in, text="Second news.").status_code == 302
    cli(app, "send-mail")
    assert len(smtp.to("en@example.org")) == 1  # no second update
    assert len(smtp.to("ru@example.org") or smtp.to("RU@example.org")) == 2
    with app.app_context():
        gift = db.session.scalar(sa.select(Donation).where(Donation.email == "en@example.org"))
        assert gift.updates_consent_at is None
        assert gift.email == "en@example.org"  # the receipt's address stays

    # A tampered link: 400, changes nothing.
    assert client.get(link[:-3] + "xyz").status_code == 400
    assert client.post("/updates/stop/not-a-token").status_code == 400
    # Once the donor's details are erased the link has nothing left to stop: 410.
    with app.app_context():
        privacy.erase_donor("en@example.org")
    assert client.get(link).status_code == 410
    assert app.test_client().post(link).status_code == 410


def test_updates_show_newest_first_with_their_day_and_picture(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert post_update(logged_in, text="Older news.").status_code == 302
    response = post_update(
        logged_in,
        text="Newer news.",
        text_ru="Свежие новости.",
        picture=phone_photo(),
        image_alt="The van at the border",
    )
    assert response.status_code == 302
    with app.app_context():
        db.session.execute(
            sa.update(CampaignUpdate)
            .where(CampaignUpdate.text == "Older news.")
            .values(posted_at=datetime(2017, 5, 2, 9, 0, tzinfo=UTC))
        )
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert page.index("Newer news.") < page.index("Older news.")
    assert '<time datetime="2017-05-02">2 May 2017</time>' in page
    assert 'alt="The van at the border"' in page
    [picture] = media_paths(page.split('data-field="update"', 1)[1])[:1]
    assert_no_metadata(client.get(picture).data)

    russian = client.get("/updates?lang=ru").get_data(as_text=True)
    assert "Свежие новости." in russian
    assert '<div lang="en">' in russian  # the older one exists only in English
    assert 'alt="The van at the border" lang="en"' in russian


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({}, 400, "Write the update in English, Russian or both."),
        ({"text": "   "}, 400, "Write the update"),
        ({"text": "x" * 2001}, 400, "2000"),
        ({"text": "News", "picture": phone_photo()}, 400, "Describe the picture"),
        ({"text": "News", "picture": b"%PDF-1.4", "image_alt": "a"}, 415, "JPEG, PNG or WebP"),
        ({"text": "News", "image_alt": "x" * 301}, 400, "300"),
    ],
    ids=["empty", "blank", "long", "no-alt", "not-a-picture", "long-alt"],
)
def test_bad_updates_are_refused_and_change_nothing(
    app: Flask,
    logged_in: FlaskClient,
    campaign: Campaign,
    smtp: SmtpSink,
    fields: dict[str, object],
    status: int,
    words: str,
) -> None:
    supporters(app, campaign)
    response = post_update(logged_in, **fields)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignUpdate)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert audit_entries(app, "update") == []


def test_team_organisers_cannot_post_updates(
    app: Flask, campaign: Campaign, glasgow: Team, smtp: SmtpSink
) -> None:
    supporters(app, campaign)
    team_client = team_organiser(app, "glasgow@example.org", glasgow)
    assert team_client.get(PAGE).status_code == 403
    response = post_files(team_client, "/dashboard/", PAGE, text="From Glasgow")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignUpdate)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_the_dashboard_lists_updates_with_their_emails(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    supporters(app, campaign)
    response = post_form(logged_in, PAGE, PAGE, text="Hello", text_ru="")
    assert response.status_code == 302
    page = logged_in.get(PAGE).get_data(as_text=True)
    assert "<td>Hello</td>" in page and '<td class="num">2</td>' in page


def test_queueing_an_update_again_adds_nothing_and_batches_hold_many(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    many = 2 * outbox._BATCH + 7  # more than two INSERT batches
    with app.app_context():
        for n in range(many):
            locale = "ru" if n % 3 else "en"
            make_donation(
                campaign, 100, email=f"s{n}@example.org", locale=locale, updates_consent_at=ASKED
            )
    assert post_update(logged_in, text="Hello", text_ru="Привет").status_code == 302
    with app.app_context():
        update = db.session.scalar(sa.select(CampaignUpdate))
        assert update is not None and update.emails_queued == many
        assert update_mail.queue_for(update, db.session.get_one(Campaign, campaign.id)) == 0
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        assert len({m.to_address for m in messages}) == len(messages) == many
        # Each body carries its own recipient's links, none left as a stand-in.
        links = {link for m in messages for link in re.findall(r"/updates/stop/\S+", m.body_text)}
        assert len(links) == many
        assert not any("SLOT" in m.body_text + m.body_html for m in messages)
        russian = [m for m in messages if "Привет" in m.body_text]
        assert len(russian) == sum(1 for n in range(many) if n % 3)


def test_removing_an_update_takes_it_and_its_picture_off_and_drops_unsent_mail(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    supporters(app, campaign)
    response = post_update(
        logged_in, text="Oops, this shows the street.", picture=phone_photo(), image_alt="A street"
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    [picture] = media_paths(page.split('data-field="update"', 1)[1])[:1]
    with app.app_context():
        update_id = db.session.scalar(sa.select(CampaignUpdate.id))
    action = f"{PAGE}/{update_id}/remove"

    team_client = team_organiser(app, "glasgow@example.org", glasgow)
    assert post_form(team_client, "/dashboard/", action).status_code == 403
    assert post_form(logged_in, PAGE, f"{PAGE}/{update_id + 99}/remove").status_code == 404
    assert "Oops" in client.get("/").get_data(as_text=True)  # nothing changed yet

    assert post_form(logged_in, PAGE, action).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Oops" not in page and "Oops" not in client.get("/updates").get_data(as_text=True)
    assert client.get(picture).status_code == 404
    with app.app_context():
        mail = db.session.scalars(sa.select(OutboxMessage)).all()
        assert [(m.status, m.last_error) for m in mail] == [("failed", "update removed")] * 2
    assert audit_entries(app, "update")[-1].detail["emails_dropped"] == 2
