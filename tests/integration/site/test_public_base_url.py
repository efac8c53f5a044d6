"""A poisoned Host header reaches no one else: not the next visitor, not an email, not Stripe.

Every outward URL comes from PUBLIC_BASE_URL (fundraiser/public_urls.py); in
development without it, a non-loopback Host gets the development address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, OutboxMessage
from tests.support.http import csrf_token, donate
from tests.support.pledges import today

EVIL = {"Host": "evil.example"}
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
BASE = "https://give.example.org"


@pytest.fixture
def cached(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The micro-cache on, as in production (STAMP_TTL_SECONDS=1 there), and empty."""
    monkeypatch.setitem(app.config, "STAMP_TTL_SECONDS", 60)
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)
    yield
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)


@pytest.mark.parametrize("base", ["", BASE])
def test_a_poisoned_host_is_not_shown_to_the_next_visitor(
    app: Flask, campaign: Campaign, cached: None, monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    attacker = app.test_client()
    first = attacker.get("/", headers=EVIL)
    assert first.status_code == 200
    assert "evil.example" not in first.get_data(as_text=True)
    visitor = app.test_client()
    page = visitor.get("/").get_data(as_text=True)
    assert "evil.example" not in page
    assert 'property="og:url"' in page
    if base:
        assert f'content="{BASE}/"' in page


def test_return_url_share_links_and_emails_ignore_the_host(
    app: Flask, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    client: FlaskClient = app.test_client()
    # Every request to the poisoned host (the test client keeps cookies per host).
    client.get("/", headers=EVIL)
    token = client.get("/api/csrf-token", headers=EVIL).json["csrf_token"]  # type: ignore[index]
    started = client.post(
        "/donate",
        json={"amount": "4.00"},
        headers={**EVIL, "X-CSRFToken": token, "Accept": "application/json"},
    )
    assert started.status_code == 200, started.get_data(as_text=True)
    return_url = started.json["return_url"]  # type: ignore[index]
    assert return_url.startswith(BASE + "/thanks/")
    thanks = client.get(return_url.removeprefix(BASE), headers=EVIL).get_data(as_text=True)
    assert "evil.example" not in thanks
    assert BASE + "/" in thanks  # the share link

    form = {
        "csrf_token": _CSRF.search(client.get("/pledge", headers=EVIL).get_data(as_text=True))[1],  # type: ignore[index]
        "tier": "700",
        "payday": "other",
        "payday_other": (today() + timedelta(days=3)).isoformat(),
        "email": "pat@example.org",
        "consent": "y",
    }
    assert client.post("/pledge", data=form, headers=EVIL).status_code == 303
    with app.app_context():
        bodies = list(
            db.session.execute(sa.select(OutboxMessage.body_text, OutboxMessage.body_html))
        )
    assert bodies
    for text, html in bodies:
        assert "evil.example" not in text + html
        assert BASE + "/" in text


def test_development_donate_keeps_loopback_hosts_only(app: Flask, campaign: Campaign) -> None:
    client = app.test_client()
    assert donate(client).json["return_url"].startswith("http://localhost/thanks/")  # type: ignore[index]
    token = csrf_token(client)
    poisoned = client.post(
        "/donate",
        json={"amount": "5.00"},
        headers={**EVIL, "X-CSRFToken": token, "Accept": "application/json"},
    )
    assert "evil.example" not in poisoned.get_data(as_text=True)
