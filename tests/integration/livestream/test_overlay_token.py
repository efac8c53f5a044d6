"""The overlays' token: made and rotated at /dashboard/stream (audited) or the command line;
a missing, wrong or rotated token shows nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Team
from tests.support.dashboard import make_donation, post_form
from tests.support.team_dashboard import team_organiser

STREAM = "/dashboard/stream"


def bar_url(client: FlaskClient) -> str:
    found = re.search(
        r'value="http://[^/"]+(/overlay/[^"]+/bar)"', client.get(STREAM).get_data(as_text=True)
    )
    assert found, "the stream page shows the bar URL"
    return found.group(1)


def test_make_rotate_and_nothing_for_old_or_wrong_tokens(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        make_donation(db.session.get_one(Campaign, campaign.id), 4321)
    assert 'value="http' not in logged_in.get(STREAM).get_data(as_text=True), (
        "no URL before one is made"
    )
    assert client.get("/overlay/anything/bar").status_code == 404

    assert post_form(logged_in, STREAM, STREAM + "/rotate").status_code == 303
    first = bar_url(logged_in)
    page = client.get(first)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "£43.21" in html and "Test drive" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in html and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', html))

    assert post_form(logged_in, STREAM, STREAM + "/rotate").status_code == 303
    second = bar_url(logged_in)
    assert second != first
    assert client.get(second).status_code == 200
    every_overlay = ("/bar", "/alerts", "/alerts.json", "/ticker", "/ticker.json")
    for path in every_overlay:
        assert client.get(second.replace("/bar", path)).status_code == 200, path
    for stale in (
        *(first.replace("/bar", path) for path in every_overlay),
        *(
            second.replace("/bar", path).replace("/overlay/", "/overlay/x")
            for path in every_overlay
        ),
        "/overlay/ticker",
        first.replace("/bar", "x/bar"),
        "/overlay/bar",
        "/overlay/",
        second.replace("/bar", "/nothing"),
        "/overlay/" + "a" * 200 + "/bar",
    ):
        gone = client.get(stale)
        assert gone.status_code == 404 and gone.get_data() == b"", stale

    with app.app_context():
        summaries = db.session.scalars(
            sa.select(AuditEntry.summary)
            .where(AuditEntry.action == "overlay_token")
            .order_by(AuditEntry.id)
        ).all()
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "overlay_token")
        ).all()
    assert summaries == ["Made the overlay token", "Rotated the overlay token"]
    token = second.split("/")[2]
    assert all(token not in str(e.detail) and token not in e.summary for e in entries)


def test_command_prints_and_rotates(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["fundraiser", "overlay-urls"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["fundraiser", "overlay-urls"])
    assert again.output == first.output, "printing does not rotate"
    url = re.search(r"^bar: https?://[^/]+(/overlay/\S+/bar)$", first.output, re.M)
    assert url and client.get(url.group(1)).status_code == 200
    ticker = re.search(r"^ticker: https?://[^/]+(/overlay/\S+/ticker)$", first.output, re.M)
    assert ticker and client.get(ticker.group(1)).status_code == 200
    russian = runner.invoke(args=["fundraiser", "overlay-urls", "--lang", "ru"])
    assert re.search(r"^ticker: https?://\S+/ticker\?lang=ru$", russian.output, re.M)
    assert "Слова поддержки" in client.get(ticker.group(1) + "?lang=ru").get_data(as_text=True)
    rotated = runner.invoke(args=["fundraiser", "overlay-urls", "--rotate"])
    assert rotated.exit_code == 0 and rotated.output != first.output
    assert client.get(url.group(1)).status_code == 404


def test_team_organisers_cannot_see_or_rotate(
    app: Flask, campaign: Campaign, glasgow: Team
) -> None:
    team_client = team_organiser(app, "team@example.org", glasgow)
    assert team_client.get(STREAM).status_code == 403
    with app.app_context():
        assert db.session.get_one(Campaign, campaign.id).overlay_token is None


def test_the_bar_overlay_shows_the_title_in_the_url_language(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        row.title, row.title_ru = "Out of Chechnya", "Из Чечни"
        db.session.commit()
    assert post_form(logged_in, STREAM, STREAM + "/rotate").status_code == 303
    url = bar_url(logged_in)
    russian = client.get(url + "?lang=ru").get_data(as_text=True)
    assert '<p class="overlay-title">Из Чечни</p>' in russian
    assert "Out of Chechnya" not in russian
    assert '<p class="overlay-title">Out of Chechnya</p>' in client.get(url + "?lang=en").get_data(
        as_text=True
    )
    with app.app_context():
        db.session.get_one(Campaign, campaign.id).title_ru = ""
        db.session.commit()
    fallback = client.get(url + "?lang=ru").get_data(as_text=True)
    assert '<p class="overlay-title" lang="en">Out of Chechnya</p>' in fallback
