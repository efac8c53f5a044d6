"""`flask --app wsgi fundraiser create-organiser EMAIL`, by prompt or from stdin."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Organiser
from tests.support.dashboard import login


def emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Organiser.email)))


def test_create_with_password_from_stdin_then_log_in(app: Flask, campaign: object) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["fundraiser", "create-organiser", "Alex@Example.org", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created organiser alex@example.org" in result.output
    assert "a long enough password" not in result.output
    assert emails(app) == ["alex@example.org"]
    assert login(app.test_client(), "alex@example.org", "a long enough password").status_code == 302


def test_create_with_prompt_asks_twice(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["fundraiser", "create-organiser", "sam@example.org"],
        input="twelve chars!!\ntwelve chars!!\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") >= 1 and "Repeat" in result.output
    assert emails(app) == ["sam@example.org"]


def test_refuses_short_password_bad_email_and_duplicates(app: Flask) -> None:
    runner = app.test_cli_runner()
    cmd = ["fundraiser", "create-organiser"]
    short = runner.invoke(args=[*cmd, "a@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    bad = runner.invoke(args=[*cmd, "not-an-email", "--password-stdin"], input="x" * 12 + "\n")
    assert bad.exit_code != 0 and "not an email address" in bad.output
    ok = runner.invoke(args=[*cmd, "a@example.org", "--password-stdin"], input="y" * 12 + "\n")
    assert ok.exit_code == 0
    again = runner.invoke(args=[*cmd, "A@example.org", "--password-stdin"], input="z" * 12 + "\n")
    assert again.exit_code != 0 and "already exists" in again.output
    assert emails(app) == ["a@example.org"]


def test_set_password_and_audit_has_no_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(
        args=["fundraiser", "create-organiser", "kim@example.org", "--password-stdin"],
        input="first password 1\n",
    )
    result = runner.invoke(
        args=["fundraiser", "set-organiser-password", "kim@example.org", "--password-stdin"],
        input="second password 2\n",
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert login(client, "kim@example.org", "first password 1").status_code == 401
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)
        ).all()
        text = repr(list(db.session.execute(sa.select(AuditEntry)).scalars()))
        text += repr([e.detail for e in db.session.scalars(sa.select(AuditEntry))])
    assert [tuple(r) for r in rows] == [
        ("command line", "organiser_created"),
        ("command line", "password_changed"),
        ("kim@example.org", "login_failed"),
    ]
    assert "first password" not in text and "second password" not in text
