"""Organiser login: argon2id, a fresh session at login, throttling kept in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser import create_app
from fundraiser.extensions import db
from fundraiser.models import AuditEntry, LoginFailure, Organiser
from fundraiser.services.organisers import organisers
from tests.support.dashboard import login
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.http import csrf_token


@pytest.fixture(autouse=True)
def _campaign(campaign: object) -> None:
    """The dashboard shows the current campaign, so there must be one."""


@pytest.fixture(autouse=True)
def _slow_clock_free(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first delay longer than any test takes, so no assertion depends on speed."""
    monkeypatch.setattr(organisers, "BASE_DELAY", timedelta(minutes=1))


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_no_account_exists_until_one_is_created(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organiser)) == 0
    for email, password in [("admin@example.org", "admin"), ("admin", "password")]:
        assert login(client, email, password).status_code == 401
    assert client.get("/dashboard/").status_code == 302


def test_password_is_stored_as_argon2id(app: Flask, organiser: str) -> None:
    with app.app_context():
        stored = db.session.scalar(sa.select(Organiser.password_hash))
    assert stored.startswith("$argon2id$")
    assert ORGANISER_PASSWORD not in stored


def test_login_then_dashboard_then_logout(app: Flask, client: FlaskClient, organiser: str) -> None:
    response = login(client, organiser, ORGANISER_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    token = csrf_token(client, "/dashboard/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard/").status_code == 302
    assert audit_actions(app) == ["organiser_created", "login", "logout"]
    assert client.get("/dashboard/").status_code == 302


def test_session_is_rotated_at_login(app: Flask, client: FlaskClient, organiser: str) -> None:
    before = csrf_token(client, "/login")
    login(client, organiser, ORGANISER_PASSWORD)
    after = csrf_token(client, "/dashboard/")
    assert before != after
    # A form token from before login belongs to the old session and is refused.
    stale = client.post("/dashboard/audit", data={"csrf_token": before})
    assert stale.status_code in (400, 405)
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/dashboard/").status_code == 200, "still logged in"


def test_wrong_passwords_slow_the_account_from_a_new_browser(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    for _ in range(organisers.FREE_FAILURES_PER_ACCOUNT):
        assert login(client, organiser, "not the password").status_code == 401
    # Now a browser that never logged in waits, without the password being checked.
    throttled = login(client, organiser, ORGANISER_PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed attempts. Wait" in throttled.get_data(as_text=True)
    other = app.test_client()
    assert (
        login(other, organiser, ORGANISER_PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    ).status_code == 429
    assert "login_throttled" in audit_actions(app)


def test_throttle_is_shared_by_another_app_process(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    """A second app on the same database (as another worker would be) sees the failures."""
    for _ in range(organisers.FREE_FAILURES_PER_ACCOUNT):
        login(client, organiser, "wrong password")
    other_app = create_app(dict(app.config))
    try:
        assert login(other_app.test_client(), organiser, ORGANISER_PASSWORD).status_code == 429
    finally:
        with other_app.app_context():
            db.engine.dispose()


def test_throttled_per_address_across_accounts(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    for n in range(organisers.FREE_FAILURES_PER_ADDRESS):
        login(client, f"guess{n}@example.org", "whatever")
    assert login(client, organiser, ORGANISER_PASSWORD).status_code == 429
    # The same account from another address is not slowed by that address.
    elsewhere = app.test_client()
    response = login(
        elsewhere, organiser, ORGANISER_PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert response.status_code == 302


def test_failures_store_no_typed_text(app: Flask, client: FlaskClient, organiser: str) -> None:
    login(client, "my-secret-password-typed-here", "x")
    with app.app_context():
        keys = list(db.session.scalars(sa.select(LoginFailure.key)))
        details = list(db.session.scalars(sa.select(AuditEntry.summary)))
    assert keys and all(len(k) == 64 for k in keys)
    assert not any("my-secret" in k for k in keys + details)


def test_success_clears_the_account_failures(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    for _ in range(organisers.FREE_FAILURES_PER_ACCOUNT - 1):
        login(client, organiser, "nope nope nope")
    assert login(client, organiser, ORGANISER_PASSWORD).status_code == 302
    fresh = app.test_client()
    for _ in range(organisers.FREE_FAILURES_PER_ACCOUNT - 1):
        login(fresh, organiser, "nope nope nope")
    assert login(fresh, organiser, ORGANISER_PASSWORD).status_code == 302


def test_next_only_goes_to_this_site(app: Flask, client: FlaskClient, organiser: str) -> None:
    for target, expected in [
        ("/dashboard/donations", "/dashboard/donations"),
        ("//evil.example/x", "/dashboard/"),
        ("https://evil.example/", "/dashboard/"),
        ("/\\evil.example", "/dashboard/"),
        ("/\t/evil.example", "/dashboard/"),
        ("https:/evil.example", "/dashboard/"),
        ("javascript:alert(1)", "/dashboard/"),
    ]:
        fresh = app.test_client()
        token = csrf_token(fresh, "/login")
        response = fresh.post(
            "/login",
            query_string={"next": target},
            data={"email": organiser, "password": ORGANISER_PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected


def test_next_lands_on_the_dashboard_or_the_page_asked_for(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    token = csrf_token(client, "/login")
    landed = client.post(
        "/login?next=https://evil.example/",
        data={"email": organiser, "password": ORGANISER_PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )
    assert landed.status_code == 200
    assert landed.request.path == "/dashboard/"
    assert "evil.example" not in landed.get_data(as_text=True)
    # Already logged in: /login goes straight on, by the same rule.
    ahead = client.get("/login?next=/dashboard/donations")
    assert ahead.headers["Location"] == "/dashboard/donations"
    assert client.get("/login?next=//evil.example/").headers["Location"] == "/dashboard/"


def test_new_password_ends_old_sessions(app: Flask, logged_in: FlaskClient, organiser: str) -> None:
    assert logged_in.get("/dashboard/").status_code == 200
    with app.app_context():
        organisers.set_password(organiser, "another long password")
    assert logged_in.get("/dashboard/").status_code == 302


def test_login_form_without_csrf_or_fields_is_a_clear_400(
    app: Flask, client: FlaskClient, organiser: str
) -> None:
    assert client.post("/login", data={"email": organiser}).status_code == 400
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Enter your email and password." in response.get_data(as_text=True)
