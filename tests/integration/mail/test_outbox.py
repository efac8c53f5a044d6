"""The outbox sender against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser import mail
from fundraiser.extensions import db
from fundraiser.mail import sender
from fundraiser.models import EmailSuppression, OutboxMessage
from fundraiser.models.types import utcnow
from tests.support.concurrency import run_at_once
from tests.support.harness import free_port
from tests.support.smtp import SmtpSink


def add_message(app: Flask, key: str, to: str = "ann@example.org", kind: str = "receipt") -> int:
    with app.app_context():
        row = OutboxMessage(
            idempotency_key=key,
            kind=kind,
            to_address=to,
            subject=f"Subject {key}",
            body_text=f"Plain {key}",
            body_html=f"<p>HTML {key}</p>",
            headers={"List-Unsubscribe": "<http://example.org/u>"} if kind != "receipt" else {},
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def row(app: Flask, message_id: int) -> OutboxMessage:
    with app.app_context():
        found = db.session.get(OutboxMessage, message_id)
        assert found is not None
        db.session.expunge(found)
        return found


def deliver(app: Flask, now=None) -> sender.DeliveryReport:
    with app.app_context():
        return mail.deliver_due(now)


def test_delivers_text_and_html_once(app: Flask, smtp: SmtpSink) -> None:
    message_id = add_message(app, "k1", kind="pledge_reminder")
    assert deliver(app).sent == 1
    [got] = smtp.received
    assert got.rcpt_tos == ["ann@example.org"]
    assert got.subject == "Subject k1"
    assert got.text.strip() == "Plain k1"
    assert got.html.strip() == "<p>HTML k1</p>"
    assert got.message["List-Unsubscribe"] == "<http://example.org/u>"
    assert got.message["Message-ID"]
    stored = row(app, message_id)
    assert (stored.status, stored.attempts, stored.claim_token) == ("sent", 1, None)
    assert stored.sent_at is not None
    # A second run finds nothing to send.
    assert deliver(app).sent == 0
    assert len(smtp.received) == 1


def test_smtp_down_keeps_the_message_and_the_next_run_delivers_it(
    app: Flask, smtp: SmtpSink
) -> None:
    message_id = add_message(app, "k-down")
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: connection refused
    report = deliver(app)
    assert (report.sent, report.deferred) == (0, 1)
    stored = row(app, message_id)
    assert stored.status == "queued"
    assert stored.attempts == 1
    assert "Refused" in (stored.last_error or "") or "refused" in (stored.last_error or "")
    assert stored.next_attempt_at > utcnow() + timedelta(seconds=30)  # backing off
    assert smtp.received == []

    app.config["MAIL_PORT"] = smtp.port
    assert deliver(app).sent == 0, "not due again until the backoff has passed"
    report = deliver(app, now=utcnow() + timedelta(minutes=2))
    assert report.sent == 1
    assert len(smtp.to("ann@example.org")) == 1
    assert row(app, message_id).status == "sent"


def test_server_down_stops_the_run_without_touching_the_rest(app: Flask, smtp: SmtpSink) -> None:
    ids = [add_message(app, f"k-stop-{i}") for i in range(3)]
    app.config["MAIL_PORT"] = free_port()
    deliver(app)
    assert [row(app, i).attempts for i in ids] == [1, 0, 0]


def test_4xx_is_retried_with_backoff(app: Flask, smtp: SmtpSink) -> None:
    smtp.refuse("busy@example.org", "451 4.3.0 Try again later")
    message_id = add_message(app, "k-451", to="busy@example.org")
    other_id = add_message(app, "k-ok", to="ok@example.org")
    report = deliver(app)
    assert (report.deferred, report.sent) == (1, 1), "a 4xx for one address does not stop others"
    stored = row(app, message_id)
    assert (stored.status, stored.attempts) == ("queued", 1)
    assert "451" in (stored.last_error or "")
    assert row(app, other_id).status == "sent"

    later = utcnow() + timedelta(minutes=2)
    deliver(app, now=later)
    assert smtp.attempts_for("busy@example.org") == 2
    assert row(app, message_id).attempts == 2
    assert row(app, message_id).next_attempt_at >= later + timedelta(minutes=2), "backoff doubles"

    smtp.refuse("busy@example.org", "")  # the server recovers
    smtp.handler.refusals.clear()
    assert deliver(app, now=utcnow() + timedelta(hours=2)).sent == 1
    assert len(smtp.to("busy@example.org")) == 1


def test_gives_up_after_max_attempts(app: Flask, smtp: SmtpSink) -> None:
    smtp.refuse("busy@example.org", "451 4.3.0 Try again later")
    message_id = add_message(app, "k-max", to="busy@example.org")
    when = utcnow()
    for _ in range(sender.MAX_ATTEMPTS):
        deliver(app, now=when)
        when += timedelta(hours=2)
    stored = row(app, message_id)
    assert (stored.status, stored.attempts) == ("failed", sender.MAX_ATTEMPTS)
    deliver(app, now=when + timedelta(days=1))
    assert smtp.attempts_for("busy@example.org") == sender.MAX_ATTEMPTS


def test_550_fails_suppresses_and_is_never_retried(app: Flask, smtp: SmtpSink) -> None:
    smtp.refuse("gone@example.org", "550 5.1.1 No such user")
    message_id = add_message(app, "k-550", to="Gone@Example.org")
    report = deliver(app)
    assert report.failed == 1
    stored = row(app, message_id)
    assert stored.status == "failed"
    assert "550" in (stored.last_error or "")
    with app.app_context():
        reasons = db.session.scalars(
            sa.select(EmailSuppression.reason).where(EmailSuppression.address == "gone@example.org")
        ).all()
    assert reasons == ["bounced"]
    for hours in (1, 5, 48):
        deliver(app, now=utcnow() + timedelta(hours=hours))
    assert smtp.attempts_for("gone@example.org") == 1
    # Later mail to the suppressed address is not even tried.
    later_id = add_message(app, "k-550-later", to="gone@example.org")
    assert deliver(app).suppressed == 1
    assert row(app, later_id).status == "suppressed"
    assert smtp.attempts_for("gone@example.org") == 1


def test_two_senders_at_once_send_each_message_once(app: Flask, smtp: SmtpSink) -> None:
    ids = [add_message(app, f"k-race-{i}", to=f"r{i}@example.org") for i in range(12)]
    run_at_once(lambda: deliver(app), threads=3)
    delivered = sorted(r for got in smtp.received for r in got.rcpt_tos)
    assert delivered == sorted(f"r{i}@example.org" for i in range(12))
    assert {row(app, i).status for i in ids} == {"sent"}
    assert {row(app, i).attempts for i in ids} == {1}


def test_an_expired_claim_is_taken_over(app: Flask, smtp: SmtpSink) -> None:
    message_id = add_message(app, "k-lease")
    with app.app_context():
        token = sender._claim(message_id, utcnow())
        assert token is not None
        # A second sender cannot take it while the lease holds...
        assert sender._claim(message_id, utcnow()) is None
    assert deliver(app).sent == 0
    # ...but can once the first sender is presumed dead.
    assert deliver(app, now=utcnow() + sender.LEASE + timedelta(seconds=1)).sent == 1
    # The first sender's late result is not written over the real one.
    with app.app_context():
        sender._finish(message_id, token, status="queued")
    assert row(app, message_id).status == "sent"


def test_without_mail_server_mail_stays_queued_and_is_logged_once(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    assert not app.config.get("MAIL_SERVER")
    message_id = add_message(app, "k-log")
    with caplog.at_level("INFO"):
        assert deliver(app).logged == 1
        assert deliver(app).logged == 0
    logged = [r.getMessage() for r in caplog.records if "MAIL_SERVER is not set" in r.getMessage()]
    assert len(logged) == 1
    assert "Plain k-log" in logged[0]
    assert row(app, message_id).status == "queued"


def test_backoff_grows_and_is_capped() -> None:
    assert [sender.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert sender.backoff(30).total_seconds() == sender.BACKOFF_MAX_SECONDS


def test_the_demo_prints_each_email_as_a_marked_block_and_the_outbox_says_so(
    app: Flask, logged_in: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert not app.config.get("MAIL_SERVER") and app.config["ENV_NAME"] != "production"
    message_id = add_message(app, "k-demo")
    before = logged_in.get("/dashboard/outbox").get_data(as_text=True)
    assert 'data-field="logged"' not in before and 'data-field="demo-mail"' in before
    with caplog.at_level("INFO"):
        assert deliver(app).logged == 1
    (block,) = [r.getMessage() for r in caplog.records if "EMAIL #" in r.getMessage()]
    lines = block.splitlines()
    assert f"EMAIL #{message_id} (demo, not sent)" in lines[1]
    assert lines[-1].strip("= ") == f"END OF EMAIL #{message_id}"
    assert "Plain k-demo" in block
    page = logged_in.get("/dashboard/outbox").get_data(as_text=True)
    assert 'data-field="logged">delivered to the log (demo)</span>' in page
    assert row(app, message_id).status == "queued"
