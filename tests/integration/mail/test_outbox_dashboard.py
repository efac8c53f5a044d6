"""The outbox page and its "send now" button, against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import OutboxMessage
from fundraiser.models.types import utcnow
from tests.support.dashboard import audit_entries, hidden_fields
from tests.support.smtp import SmtpSink

BODY_SECRET = "signed-link-token-not-for-organisers"
_ROW = re.compile(r'<tr data-message="(\d+)" data-status="(\w+)">')


def queue(app: Flask, key: str, to: str = "ann@example.org", **fields: Any) -> int:
    """An outbox row (queued and due unless `fields` say otherwise)."""
    with app.app_context():
        row = OutboxMessage(
            idempotency_key=key,
            kind=fields.pop("kind", "receipt"),
            to_address=to,
            subject=f"Subject {key}",
            body_text=f"Plain {key} {BODY_SECRET}",
            body_html=f"<p>{key} {BODY_SECRET}</p>",
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def shown(client: FlaskClient, query: str = "") -> list[tuple[int, str]]:
    response = client.get("/dashboard/outbox" + query)
    assert response.status_code == 200
    return [(int(i), s) for i, s in _ROW.findall(response.get_data(as_text=True))]


def send_now(client: FlaskClient) -> str:
    """Press "Send now" as the page offers it; the page it lands on."""
    fields = hidden_fields(client.get("/dashboard/outbox").get_data(as_text=True))
    response = client.post("/dashboard/outbox/send", data=fields)
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/outbox"
    return client.get("/dashboard/outbox").get_data(as_text=True)


def status(app: Flask, message_id: int) -> tuple[str, int]:
    with app.app_context():
        row = db.session.get_one(OutboxMessage, message_id)
        return row.status, row.attempts


def test_lists_waiting_sent_and_failed_without_bodies(app: Flask, logged_in: FlaskClient) -> None:
    now = utcnow()
    waiting = queue(app, "w1", kind="pledge_reminder")
    later = queue(app, "w2", next_attempt_at=now + timedelta(hours=1), attempts=2)
    sent = queue(app, "s1", status="sent", attempts=1, sent_at=now)
    failed = queue(
        app, "f1", to="gone@example.org", status="failed", attempts=1, last_error="550 No such user"
    )
    suppressed = queue(app, "x1", status="suppressed", last_error="address unsubscribed")

    everything = shown(logged_in)
    assert [i for i, _ in everything] == [suppressed, failed, sent, later, waiting]
    assert shown(logged_in, "?view=waiting") == [(later, "queued"), (waiting, "queued")]
    assert shown(logged_in, "?view=sent") == [(sent, "sent")]
    assert shown(logged_in, "?view=failed") == [(suppressed, "suppressed"), (failed, "failed")]

    html = logged_in.get("/dashboard/outbox").get_data(as_text=True)
    for text in (
        "gone@example.org",
        "Subject f1",
        "550 No such user",
        "pledge reminder",
        "Waiting (2)",
        "Sent (1)",
        "Failed (2)",
        "2 waiting",
    ):
        assert text in html, text
    start = html.index(f'<tr data-message="{later}"')
    row = html[start : html.index("</tr>", start)]
    assert '<td class="num">2</td>' in row, "attempts"
    assert (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M") in row, "next try"
    assert BODY_SECRET not in html, "bodies hold donors' signed links: never shown"
    assert logged_in.get("/dashboard/outbox?view=everything").status_code == 400


def test_send_now_delivers_what_is_due_like_send_mail(
    app: Flask, logged_in: FlaskClient, smtp: SmtpSink
) -> None:
    smtp.refuse("gone@example.org", "550 5.1.1 No such user")
    ok = queue(app, "k-ok", to="ann@example.org")
    bad = queue(app, "k-bad", to="gone@example.org")
    not_due = queue(
        app, "k-later", to="later@example.org", next_attempt_at=utcnow() + timedelta(hours=1)
    )
    page = send_now(logged_in)
    assert "1 sent, 1 failed." in page
    assert [r.rcpt_tos for r in smtp.received] == [["ann@example.org"]]
    assert status(app, ok) == ("sent", 1)
    assert status(app, bad) == ("failed", 1)
    assert status(app, not_due) == ("queued", 0)
    assert smtp.attempts_for("later@example.org") == 0

    page = send_now(logged_in)
    assert "0 sent." in page
    assert len(smtp.received) == 1, "nothing is sent twice"
    entries = audit_entries(app, "send_mail")
    assert [e.summary for e in entries] == ["Send now: 1 sent, 1 failed.", "Send now: 0 sent."]
    assert entries[0].actor == "robin@example.org"
    assert entries[0].detail == {
        "sent": 1,
        "deferred": 0,
        "failed": 1,
        "suppressed": 0,
        "logged": 0,
    }


def test_send_now_without_a_mail_server_says_so(app: Flask, logged_in: FlaskClient) -> None:
    assert not app.config.get("MAIL_SERVER")
    message_id = queue(app, "k-log")
    page = send_now(logged_in)
    assert "MAIL_SERVER is not set, so nothing was sent" in page
    assert "(1 printed now)" in page
    assert status(app, message_id) == ("queued", 0)
    assert "(0 printed now)" in send_now(logged_in), "each is printed once"


def test_send_now_needs_the_csrf_token(app: Flask, logged_in: FlaskClient, smtp: SmtpSink) -> None:
    message_id = queue(app, "k-csrf")
    assert logged_in.post("/dashboard/outbox/send").status_code == 400
    assert logged_in.get("/dashboard/outbox/send").status_code == 405
    assert smtp.received == []
    assert status(app, message_id) == ("queued", 0)


@pytest.mark.parametrize("per_view", ["", "?view=sent"])
def test_pages_of_fifty(app: Flask, logged_in: FlaskClient, per_view: str) -> None:
    with app.app_context():
        db.session.add_all(
            OutboxMessage(
                idempotency_key=f"bulk-{n}",
                kind="receipt",
                to_address=f"d{n}@example.org",
                subject=f"Receipt {n}",
                body_text="",
                body_html="",
                status="sent",
                sent_at=utcnow(),
            )
            for n in range(53)
        )
        db.session.commit()
    joiner = "&" if per_view else "?"
    first, second = shown(logged_in, per_view), shown(logged_in, per_view + joiner + "page=2")
    assert (len(first), len(second)) == (50, 3)
    assert len({i for i, _ in first + second}) == 53
