"""The ticker overlay: approved messages only, names only when the donor chose to show
them, in the URL's language; its feed is conditional and reads no session."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, ModerationState
from fundraiser.services.moderation import moderation
from fundraiser.services.organisers import organisers
from tests.support.dashboard import make_donation
from tests.support.livestream import message_gift, overlay_token


@pytest.fixture
def ticker(app: Flask, campaign: Campaign) -> str:
    return f"/overlay/{overlay_token(app, campaign)}/ticker"


def shown(html: str) -> list[str]:
    """The ticker's items as text, in order (name, then message)."""
    items = re.findall(r'<li class="overlay-ticker-item">(.*?)</li>', html)
    return [re.sub(r"<[^>]+>", "|", item).strip("|").replace("||", "|") for item in items]


def test_only_approved_messages_and_names_the_donor_chose_to_show(
    app: Flask, client: FlaskClient, campaign: Campaign, ticker: str
) -> None:
    message_gift(app, campaign, "Stay safe", name="Ada", public=True)
    message_gift(app, campaign, "From a friend", name="Secret Sam", public=False)
    message_gift(app, campaign, None, name="Grace", public=True)
    message_gift(app, campaign, "Not yet", name="Pat", moderation=ModerationState.PENDING)
    message_gift(app, campaign, "Held", moderation=ModerationState.HELD)
    message_gift(app, campaign, "Hidden", name="Hal", moderation=ModerationState.HIDDEN)
    with app.app_context():
        make_donation(
            db.session.get_one(Campaign, campaign.id),
            400,
            status="pending",
            message="Not counted",
            moderation=ModerationState.APPROVED,
        )
    page = client.get(ticker)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert shown(html) == ["Grace", "From a friend", "Ada|Stay safe"], "newest first"
    for never in ("Secret Sam", "Not yet", "Pat", "Held", "Hidden", "Hal", "Not counted"):
        assert never not in html, never
    assert page.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in page.headers
    assert "<script>" not in html
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/js/overlay-ticker.js"]


def test_in_the_urls_language(
    app: Flask, client: FlaskClient, campaign: Campaign, ticker: str
) -> None:
    message_gift(app, campaign, "Держитесь!", name="Аня")
    english = client.get(ticker).get_data(as_text=True)
    russian = client.get(ticker + "?lang=ru").get_data(as_text=True)
    assert "From our supporters" in english and '<html lang="en-GB">' in english
    assert "Слова поддержки" in russian and '<html lang="ru">' in russian
    assert "From our supporters" not in russian
    assert "Держитесь!" in russian and "Держитесь!" in english, "donors' words as written"


def test_the_feed_is_conditional_and_follows_moderation(
    app: Flask, client: FlaskClient, campaign: Campaign, ticker: str
) -> None:
    feed = ticker + ".json"
    empty = client.get(feed)
    assert empty.json["items"] == [] and "Set-Cookie" not in empty.headers
    assert "data-ticker hidden" in client.get(ticker).get_data(as_text=True), "nothing to show"
    etag = empty.headers["ETag"]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304

    waiting = message_gift(app, campaign, "Love from Leeds", moderation=ModerationState.PENDING)
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304, (
        "a message waiting for moderation changes nothing"
    )
    with app.app_context():
        db.session.get_one(Donation, _id(waiting)).moderation = ModerationState.APPROVED
        db.session.commit()
    approved = client.get(feed, headers={"If-None-Match": etag})
    assert approved.status_code == 200
    assert approved.json["items"] == [{"name": None, "message": "Love from Leeds"}]
    assert approved.headers["ETag"] == f'"{approved.json["version"]}"'
    page = client.get(ticker).get_data(as_text=True)
    assert f'data-version="{approved.json["version"]}"' in page, "the page starts where the feed is"

    with app.app_context():
        donation = db.session.get_one(Donation, _id(waiting))
        donation.moderation = ModerationState.HIDDEN
        db.session.commit()
    hidden = client.get(feed, headers={"If-None-Match": approved.headers["ETag"]})
    assert hidden.status_code == 200 and hidden.json["items"] == []

    wrong = client.get(feed.replace("/overlay/", "/overlay/x"))
    assert wrong.status_code == 404 and wrong.get_data() == b""


def test_a_moderation_decision_reaches_the_ticker(
    app: Flask, client: FlaskClient, campaign: Campaign, ticker: str
) -> None:
    public_id = message_gift(app, campaign, "Go!", name="Ada", moderation=ModerationState.PENDING)
    assert client.get(ticker + ".json").json["items"] == []
    with app.app_context():
        moderation.decide(campaign.id, public_id, "approve", _organiser())
    assert client.get(ticker + ".json").json["items"] == [{"name": "Ada", "message": "Go!"}]


def _id(public_id: str) -> int:
    return int(db.session.scalar(sa.select(Donation.id).where(Donation.public_id == public_id)))


def _organiser():
    return organisers.create_organiser("mod@example.org", "a long enough password 1")
