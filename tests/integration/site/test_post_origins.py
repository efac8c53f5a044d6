"""Over HTTPS a post must come from this host's pages (fundraiser/security/origins.py).

Each post carries a valid CSRF token; what differs is what the browser says of
where the page was: `Origin` (sent with every POST) and `Referer` (which some
browsers and privacy tools strip).
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation

HOST = "https://give.example.org"
SESSION_WORDS = "Your session expired"


def _donations(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) or 0)


def _donate(client: FlaskClient, base: str = HOST, **headers: str) -> tuple[int, str]:
    token = json.loads(client.get("/api/csrf-token", base_url=base).data)["csrf_token"]
    answer = client.post(
        "/donate",
        json={"amount": "5"},
        headers={"X-CSRFToken": token, "Accept": "application/json", **headers},
        base_url=base,
    )
    return answer.status_code, answer.get_data(as_text=True)


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": HOST},  # the Referer stripped by the browser or a privacy tool
        {"Origin": HOST + ":443"},
        {"Origin": "HTTPS://GIVE.example.org"},
        {"Origin": HOST, "Referer": HOST + "/?src=stream"},
        {"Origin": "null", "Referer": HOST + "/"},  # a page that asked for no referrer
        {"Referer": HOST + "/pledge/abc"},  # an old browser: no Origin
    ],
    ids=["origin-only", "origin-443", "origin-case", "both", "null-origin", "referer-only"],
)
def test_a_post_from_this_hosts_page_is_taken(app: Flask, headers: dict[str, str]) -> None:
    status, _ = _donate(app.test_client(), **headers)
    assert status == 200
    assert _donations(app) == 1


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "https://evil.example", "Referer": HOST + "/"},  # Origin decides
        {"Origin": "http://give.example.org"},  # the same name, not over TLS
        {"Origin": HOST + ":8443"},
        {"Referer": "https://give.example.org.evil.example/"},
        # Unreadable: each made urlparse raise inside Flask-WTF, a 500.
        {"Referer": HOST + ":99999/"},
        {"Referer": "https://[::1/"},
        {"Origin": "https://give.example.org:port"},
        {"Origin": "https://"},
    ],
    ids=[
        "none",
        "null-origin-only",
        "other-origin",
        "other-origin-good-referer",
        "plain-http-origin",
        "other-port",
        "lookalike-referer",
        "port-out-of-range",
        "open-bracket",
        "port-not-a-number",
        "no-host",
    ],
)
def test_a_post_from_elsewhere_is_refused_and_changes_nothing(
    app: Flask, headers: dict[str, str]
) -> None:
    status, body = _donate(app.test_client(), **headers)
    assert status == 400
    assert SESSION_WORDS in body
    assert _donations(app) == 0


@pytest.mark.usefixtures("campaign")
def test_plain_http_still_needs_only_the_token(app: Flask) -> None:
    # Local development and the tests' own servers: no TLS, so no origin check.
    status, _ = _donate(app.test_client(), base="http://localhost")
    assert status == 200


def test_the_webhook_is_not_asked_for_an_origin(app: Flask, campaign: Campaign) -> None:
    # Stripe sends neither header; the webhook is CSRF-exempt and answers on its signature.
    answer = app.test_client().post(
        "/stripe/webhook",
        data=b"{}",
        headers={"Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"},
        base_url=HOST,
    )
    assert answer.status_code == 400
    assert SESSION_WORDS not in answer.get_data(as_text=True)
