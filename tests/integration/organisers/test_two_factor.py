"""Two-factor login with an authenticator app (issue 12): enrolment by QR code, the
code step at login, single-use codes and recovery codes, the pause after wrong
codes, and REQUIRE_2FA for organisers of the whole campaign."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, RecoveryCode, TwoFactor
from fundraiser.services.organisers import organisers, two_factor
from tests.support.accounts import (
    audit_actions,
    audit_text,
    code_next,
    enrol,
    login_two_steps,
    post_page,
)
from tests.support.dashboard import hidden_fields, login
from tests.support.factories import make_team
from tests.support.harness import ORGANISER_PASSWORD


def test_enrol_by_qr_code_then_login_needs_the_code(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    secret, codes = enrol(logged_in)
    with app.app_context():
        stored = [r.code_hash for r in db.session.scalars(sa.select(RecoveryCode))]
        assert len(stored) == 10 and not set(codes) & set(stored)  # hashes only
        assert not any(c.replace("-", "") in h for c in codes for h in stored)
    assert "two_factor_enabled" in audit_actions(app)
    assert secret not in audit_text(app) and not any(c in audit_text(app) for c in codes)

    client = app.test_client()
    first = login(client, organiser, ORGANISER_PASSWORD)
    assert first.status_code == 302 and first.headers["Location"] == "/login/two-factor"
    # The password alone opens nothing.
    assert client.get("/dashboard/").status_code == 302
    wrong = post_page(client, "/login/two-factor", code="000000")
    assert wrong.status_code == 401
    right = post_page(client, "/login/two-factor", code=code_next(secret))
    assert right.status_code == 302 and right.headers["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert audit_actions(app).count("login_two_factor") == 1

    # The same code cannot be used again, even at once from elsewhere.
    replay = app.test_client()
    again = login_two_steps(replay, organiser, ORGANISER_PASSWORD, code_next(secret))
    assert again.status_code == 401
    assert replay.get("/dashboard/").status_code == 302


def test_a_wrong_confirmation_code_does_not_turn_it_on(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    post_page(logged_in, "/dashboard/two-factor", "/dashboard/two-factor/start")
    response = post_page(
        logged_in, "/dashboard/two-factor", "/dashboard/two-factor/confirm", code="123456"
    )
    assert response.status_code == 400
    with app.app_context():
        me = organisers.by_email(organiser)
        assert me is not None and not two_factor.is_enabled(me)
    assert (
        login(app.test_client(), organiser, ORGANISER_PASSWORD).headers["Location"] == "/dashboard/"
    )


def test_a_recovery_code_works_once(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    _, codes = enrol(logged_in)
    client = app.test_client()
    used = login_two_steps(client, organiser, ORGANISER_PASSWORD, codes[3].upper())
    assert used.status_code == 302 and client.get("/dashboard/").status_code == 200
    again = login_two_steps(app.test_client(), organiser, ORGANISER_PASSWORD, codes[3])
    assert again.status_code == 401
    assert "recovery_code_used" in audit_actions(app)
    with app.app_context():
        me = organisers.by_email(organiser)
        assert me is not None and two_factor.remaining_recovery_codes(me) == 9


def test_wrong_codes_pause_the_second_step(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    secret, _ = enrol(logged_in)
    client = app.test_client()
    login(client, organiser, ORGANISER_PASSWORD)
    for _ in range(two_factor.MAX_FAILURES):
        assert post_page(client, "/login/two-factor", code="999999").status_code == 401
    # Now even the right code waits: guessing a 6-digit code is slowed to a crawl.
    paused = post_page(client, "/login/two-factor", code=code_next(secret))
    assert paused.status_code == 429
    # A fresh cookie does not reset the count: it is kept in the database.
    fresh = login_two_steps(app.test_client(), organiser, ORGANISER_PASSWORD, code_next(secret))
    assert fresh.status_code == 429
    actions = audit_actions(app)
    assert actions.count("two_factor_failed") == two_factor.MAX_FAILURES
    assert actions.count("two_factor_throttled") == 1


def test_the_code_step_expires(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    secret, _ = enrol(logged_in)
    client = app.test_client()
    login(client, organiser, ORGANISER_PASSWORD)
    fields = hidden_fields(client.get("/login/two-factor").get_data(as_text=True))
    with client.session_transaction() as session:
        session["two_factor_pending"] = {
            **session["two_factor_pending"],
            "at": int(time.time()) - 3600,
        }
    late = client.post("/login/two-factor", data={**fields, "code": code_next(secret)})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert client.get("/dashboard/").status_code == 302


def test_turning_it_off_needs_a_code(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    secret, _ = enrol(logged_in)
    refused = post_page(
        logged_in, "/dashboard/two-factor", "/dashboard/two-factor/disable", code="1"
    )
    assert refused.status_code == 400
    done = post_page(
        logged_in, "/dashboard/two-factor", "/dashboard/two-factor/disable", code=code_next(secret)
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(TwoFactor)).all() == []
        assert db.session.scalars(sa.select(RecoveryCode)).all() == []
    assert "two_factor_disabled" in audit_actions(app)
    assert (
        login(app.test_client(), organiser, ORGANISER_PASSWORD).headers["Location"] == "/dashboard/"
    )


def test_new_recovery_codes_replace_the_old(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    secret, old = enrol(logged_in)
    response = post_page(
        logged_in,
        "/dashboard/two-factor",
        "/dashboard/two-factor/recovery-codes",
        code=code_next(secret),
    )
    assert response.status_code == 200
    assert old[0] not in response.get_data(as_text=True)
    assert (
        login_two_steps(app.test_client(), organiser, ORGANISER_PASSWORD, old[0]).status_code == 401
    )


def test_a_password_reset_does_not_skip_the_second_factor(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    enrol(logged_in)
    with app.app_context():
        organisers.set_password(organiser, "another long password")
    first = login(app.test_client(), organiser, "another long password")
    assert first.headers["Location"] == "/login/two-factor"


def test_lost_phone_reset_from_the_command_line(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    enrol(logged_in)
    result = app.test_cli_runner().invoke(args=["fundraiser", "reset-organiser-2fa", organiser])
    assert result.exit_code == 0 and "off" in result.output
    assert (
        login(app.test_client(), organiser, ORGANISER_PASSWORD).headers["Location"] == "/dashboard/"
    )
    assert "two_factor_disabled" in audit_actions(app)


@pytest.fixture
def require_2fa(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)


def test_require_2fa_sends_campaign_organisers_to_set_it_up(
    app: Flask, require_2fa: None, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    for page in (
        "/dashboard/",
        "/dashboard/donations",
        "/dashboard/organisers",
        "/dashboard/settings",
    ):
        response = logged_in.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"] == "/dashboard/two-factor", page
    assert logged_in.get("/dashboard/two-factor").status_code == 200
    enrol(logged_in)
    assert logged_in.get("/dashboard/donations").status_code == 200
    # Required: the page offers no way to turn it off.
    assert "Turn off" not in logged_in.get("/dashboard/two-factor").get_data(as_text=True)


def test_require_2fa_leaves_team_organisers_free(
    app: Flask, require_2fa: None, campaign: Campaign
) -> None:
    team = make_team(app, campaign.id, "Hull", slug="hull")
    with app.app_context():
        organisers.create_organiser("ali@example.org", ORGANISER_PASSWORD, team=team)
    ali = app.test_client()
    login(ali, "ali@example.org", ORGANISER_PASSWORD)
    assert ali.get("/dashboard/").status_code == 200


def test_require_2fa_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from fundraiser.config import from_environment

    monkeypatch.setenv("REQUIRE_2FA", "1")
    assert from_environment(str(tmp_path))["REQUIRE_2FA"] is True
    monkeypatch.delenv("REQUIRE_2FA")
    assert from_environment(str(tmp_path))["REQUIRE_2FA"] is False
