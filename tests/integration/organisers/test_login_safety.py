"""Guessing never locks the owner out; logout and idle time end sessions for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, LoginFailure
from fundraiser.models.types import utcnow
from fundraiser.services.organisers import organisers
from tests.support.dashboard import login
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.http import csrf_token

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _slow_clock_free(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first delay longer than any test takes, so no assertion depends on speed."""
    monkeypatch.setattr(organisers, "BASE_DELAY", timedelta(minutes=1))


def _count(app: Flask, statement: sa.Select[tuple[int]]) -> int:
    with app.app_context():
        return int(db.session.scalar(statement) or 0)


def _throttle_rows(app: Flask) -> int:
    return _count(
        app,
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "login_throttled"),
    )


def _account_failures(app: Flask) -> int:
    return _count(
        app,
        sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.scope == "account"),
    )


def test_owner_logs_in_after_an_attackers_wrong_passwords(
    app: Flask, campaign: object, organiser: str
) -> None:
    owner = app.test_client()
    owner.environ_base.update(OWNER)
    assert login(owner, organiser, ORGANISER_PASSWORD).status_code == 302
    assert (
        owner.post("/logout", data={"csrf_token": csrf_token(owner, "/dashboard/")}).status_code
        == 302
    )

    attacker = app.test_client()
    attacker.environ_base.update(ATTACKER)
    codes = [login(attacker, organiser, f"guess {n}").status_code for n in range(30)]
    assert (
        codes[: organisers.FREE_FAILURES_PER_ACCOUNT]
        == [401] * organisers.FREE_FAILURES_PER_ACCOUNT
    )
    assert 429 in codes, "the attacker is slowed"

    # The owner's browser has logged in before: it is not held up.
    assert login(owner, organiser, ORGANISER_PASSWORD).status_code == 302
    assert owner.get("/dashboard/").status_code == 200
    # One audit row per delay window (each started by a counted failure), not per try.
    failures = organisers.FREE_FAILURES_PER_ACCOUNT + codes[
        organisers.FREE_FAILURES_PER_ACCOUNT :
    ].count(401)
    assert _throttle_rows(app) == failures - organisers.FREE_FAILURES_PER_ACCOUNT + 1


def test_a_new_browser_waits_a_bounded_time_never_a_lockout(
    app: Flask, campaign: object, organiser: str
) -> None:
    with app.app_context():
        start = utcnow()
        for n in range(200):
            organisers.authenticate(organiser, f"guess {n}", "203.0.113.66", now=start)
        assert organisers.authenticate(
            organiser, ORGANISER_PASSWORD, "198.51.100.7", now=start
        ).throttled
        later = start + organisers.MAX_DELAY + timedelta(seconds=1)
        result = organisers.authenticate(organiser, ORGANISER_PASSWORD, "198.51.100.7", now=later)
        assert result.ok, "after at most MAX_DELAY the right password gets in"


def test_delays_grow_with_each_failure() -> None:
    free = organisers.FREE_FAILURES_PER_ACCOUNT
    delays = [organisers.delay_after(n, free) for n in range(free + 12)]
    assert delays[:free] == [timedelta(0)] * free
    assert delays[free] == organisers.BASE_DELAY
    assert delays[free + 1] == 2 * organisers.BASE_DELAY
    assert delays[-1] == organisers.MAX_DELAY
    assert delays == sorted(delays)


def test_a_cookie_copied_before_logout_opens_nothing_after(
    app: Flask, campaign: object, organiser: str
) -> None:
    browser = app.test_client()
    assert login(browser, organiser, ORGANISER_PASSWORD).status_code == 302
    copied = browser.get_cookie("session")
    assert copied is not None
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/dashboard/").status_code == 200  # the copy works while logged in

    token = csrf_token(browser, "/dashboard/")
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    again = app.test_client()
    again.set_cookie("session", copied.value)
    assert again.get("/dashboard/").status_code == 302
    assert again.get("/dashboard/donations").status_code == 302


def test_an_idle_session_expires(app: Flask, campaign: object, organiser: str) -> None:
    browser = app.test_client()
    assert login(browser, organiser, ORGANISER_PASSWORD).status_code == 302
    assert browser.get("/dashboard/").status_code == 200
    idle = int(app.config["ORGANISER_IDLE_MINUTES"]) * 60
    with browser.session_transaction() as session:
        session["organiser_seen_at"] -= idle + 1
    assert browser.get("/dashboard/").status_code == 302


def test_the_command_line_logs_an_organiser_out_everywhere(
    app: Flask, campaign: object, organiser: str
) -> None:
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        assert login(browser, organiser, ORGANISER_PASSWORD).status_code == 302
        assert browser.get("/dashboard/").status_code == 200
    result = app.test_cli_runner().invoke(args=["fundraiser", "end-organiser-sessions", organiser])
    assert result.exit_code == 0, result.output
    for browser in browsers:
        assert browser.get("/dashboard/").status_code == 302
    refused = app.test_cli_runner().invoke(
        args=["fundraiser", "end-organiser-sessions", "nobody@example.org"]
    )
    assert refused.exit_code != 0
