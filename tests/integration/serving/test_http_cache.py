"""ETag, Cache-Control and 304 for the campaign page and /api/progress."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, session
from flask.testing import FlaskClient

from fundraiser import http_cache
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.campaigns.snapshots import CampaignStamp
from tests.support.apps import fresh_app
from tests.support.donations import add_pending, success_delivery
from tests.support.harness import WEBHOOK_SECRET


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> Donation:
    return add_pending(app, campaign, amount=700, intent_id="pi_cache_1")


def count(client: FlaskClient, donation: Donation) -> None:
    """Deliver the signed webhook that counts `donation`."""
    body, headers = success_delivery(donation, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.json["outcome"] == "counted"


@pytest.mark.parametrize(("path", "max_age"), [("/api/progress", 1), ("/", 5)])
def test_public_answers_carry_etag_and_short_public_max_age(
    client: FlaskClient, campaign: Campaign, path: str, max_age: int
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == f"public, max-age={max_age}"
    etag, weak = response.get_etag()
    assert etag and weak
    assert "Set-Cookie" not in response.headers
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    # The page's language follows the `lang` cookie (the switch), then Accept-Language;
    # nothing else in a cookie shapes it (docs/deploy.md keys the proxy cache so).
    assert vary == ({"Accept-Language", "Cookie"} if path == "/" else set())


@pytest.mark.parametrize("path", ["/api/progress", "/"])
def test_unchanged_total_is_a_304_and_a_counted_donation_changes_the_etag(
    client: FlaskClient, campaign: Campaign, pending: Donation, path: str
) -> None:
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]

    count(client, pending)
    after = client.get(path, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    if path == "/api/progress":
        assert (after.json["raised"], after.json["donations"]) == (700, 1)
    else:
        assert "£7.00" in after.get_data(as_text=True)


def test_etag_follows_totals_version_and_campaign_edits(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    etags = {client.get("/api/progress").headers["ETag"]}
    with app.app_context():
        db.session.execute(sa.update(Campaign).values(totals_version=Campaign.totals_version + 1))
        db.session.commit()
    etags.add(client.get("/api/progress").headers["ETag"])
    with app.app_context():
        db.session.get(Campaign, campaign.id).title = "A new title"  # moves updated_at
        db.session.commit()
    page = client.get("/")
    etags.add(client.get("/api/progress").headers["ETag"])
    assert len(etags) == 3
    assert "A new title" in page.get_data(as_text=True)


def test_campaign_page_has_no_session_token_and_the_token_endpoint_is_never_cached(
    client: FlaskClient, campaign: Campaign
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'name="csrf-token"' not in page
    # The pledge form's token field is there but empty: pledge.js fills it on submit.
    assert not re.search(r'name="csrf_token" value="[^"]', page)
    assert page.count('data-csrf-url="/api/csrf-token"') == 2  # donate and pledge forms
    token = client.get("/api/csrf-token")
    assert token.headers["Cache-Control"] == "no-store"
    assert token.json["csrf_token"]
    assert "session=" in token.headers["Set-Cookie"]


def test_a_token_from_the_endpoint_passes_csrf_and_a_wrong_one_does_not(
    client: FlaskClient, campaign: Campaign
) -> None:
    token = client.get("/api/csrf-token").json["csrf_token"]
    # A body the form refuses gets past CSRF only with the session's own token.
    good = client.post("/donate", json={"amount": "0.01"}, headers={"X-CSRFToken": token})
    assert good.status_code == 400
    assert "smallest gift" in good.json["error"]
    other = client.application.test_client().get("/api/csrf-token").json["csrf_token"]
    bad = client.post("/donate", json={"amount": "0.01"}, headers={"X-CSRFToken": other})
    assert bad.status_code == 400
    assert "reload the page" in bad.json["error"]


def test_stamp_is_reused_for_its_ttl_then_read_again(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    pending: Donation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(http_cache.time, "monotonic", lambda: clock[0])
    monkeypatch.setitem(app.config, "STAMP_TTL_SECONDS", 1.0)
    app.extensions.pop("http_cache_stamp", None)
    try:
        before = client.get("/api/progress")
        count(client, pending)
        clock[0] += 0.5
        within = client.get("/api/progress")
        assert within.headers["ETag"] == before.headers["ETag"]
        assert within.json["raised"] == 0
        clock[0] += 0.6
        after = client.get("/api/progress")
        assert after.headers["ETag"] != before.headers["ETag"]
        assert after.json["raised"] == 700
    finally:
        app.extensions.pop("http_cache_stamp", None)


@pytest.fixture
def bare_app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app with a view that reads the session while building a cached body."""
    app = fresh_app(tmp_path / "x.sqlite3")
    stamp = CampaignStamp(
        campaign_id=1, totals_version=1, updated_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    @app.get("/personal")
    def personal() -> object:
        def build() -> tuple[CampaignStamp, bytes]:
            session["seen"] = True
            return stamp, b"for one visitor"

        return http_cache.conditional(
            "personal", stamp, build, mimetype="text/plain", cache_control="public, max-age=5"
        )

    yield app


def test_a_body_that_touched_the_session_is_private_and_never_kept(bare_app: Flask) -> None:
    response = bare_app.test_client().get("/personal")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "personal" not in bare_app.extensions.get("http_cache", {})


def test_a_request_with_a_query_string_is_built_afresh(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    etag = client.get("/").get_etag()[0]
    app.extensions["http_cache"]["page-en"] = http_cache.CachedBody(etag, b"kept body")
    try:
        assert client.get("/").data == b"kept body"
        fresh = client.get("/?source=team-a")
        assert b"kept body" not in fresh.data
        assert campaign.title in fresh.get_data(as_text=True)
        assert app.extensions["http_cache"]["page-en"] == http_cache.CachedBody(etag, b"kept body")
    finally:
        app.extensions["http_cache"].pop("page-en", None)


def test_a_new_team_changes_the_campaign_page_etag(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    """The page lists the teams: a new one must not hide behind a 304."""
    from fundraiser.services.teams import teams

    etag = client.get("/").headers["ETag"]
    with app.app_context():
        teams.create_team(db.session.get(Campaign, campaign.id), name="Hull Pride")
    page = client.get("/", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert "Hull Pride" in page.get_data(as_text=True)
