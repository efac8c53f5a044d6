"""Audit entries for a payday link created, "send now" and a pledges export:
who and when, on the audit page, and no secrets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, OutboxMessage
from fundraiser.models.types import utcnow
from tests.support.dashboard import hidden_fields, post_form
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.smtp import SmtpSink

MAIL_PASSWORD = "smtp-password-never-logged"
TOKEN_IN_BODY = "unsubscribe-token-never-logged"
_ROW = re.compile(
    r'<tr data-action="(?P<action>\w+)">\s*<td><time datetime="(?P<when>[^"]+)">[^<]*</time></td>'
    r"\s*<td>(?P<who>[^<]*)</td>\s*<td>(?P<what>[^<]*)</td>"
)


def test_link_send_now_and_pledges_export_are_audited_without_secrets(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    app.config["MAIL_PASSWORD"] = MAIL_PASSWORD  # no MAIL_USERNAME: never used to log in
    try:
        with app.app_context():
            db.session.add(
                OutboxMessage(
                    idempotency_key="audit-1",
                    kind="pledge_reminder",
                    to_address="pat@example.org",
                    subject="Payday!",
                    body_text=f"Stop: /unsubscribe/{TOKEN_IN_BODY}",
                    body_html=f"<a href='/unsubscribe/{TOKEN_IN_BODY}'>Stop</a>",
                )
            )
            db.session.commit()
        started = utcnow() - timedelta(seconds=1)
        created = post_form(
            logged_in, "/dashboard/links", "/dashboard/links", code="vigil", label="", amount="4"
        )
        assert created.status_code == 302
        fields = hidden_fields(logged_in.get("/dashboard/outbox").get_data(as_text=True))
        assert logged_in.post("/dashboard/outbox/send", data=fields).status_code == 303
        assert logged_in.get("/dashboard/pledges.csv?status=pledged").status_code == 200
        finished = utcnow() + timedelta(seconds=1)
    finally:
        app.config["MAIL_PASSWORD"] = ""
    assert len(smtp.received) == 1

    page = logged_in.get("/dashboard/audit").get_data(as_text=True)
    rows = [m.groupdict() for m in _ROW.finditer(page)]
    newest_three = [(r["action"], r["who"], r["what"]) for r in rows[:3]]
    assert newest_three == [
        ("export", "robin@example.org", "Exported pledges as CSV"),
        ("send_mail", "robin@example.org", "Send now: 1 sent."),
        ("link_create", "robin@example.org", "Created the tracked link /give/vigil (£4.00)"),
    ]
    for row in rows[:3]:
        when = datetime.fromisoformat(row["when"].replace("Z", "+00:00")).astimezone(UTC)
        assert started <= when <= finished
    assert "<b>filters</b>: {&#39;status&#39;: &#39;pledged&#39;}" in page

    table = page[page.index("<table") : page.index("</table>")]
    with app.app_context():
        everything = repr(
            [
                (e.actor, e.action, e.summary, e.detail)
                for e in db.session.scalars(sa.select(AuditEntry))
            ]
        )
    for secret in (
        ORGANISER_PASSWORD,
        MAIL_PASSWORD,
        TOKEN_IN_BODY,
        fields["csrf_token"],
        app.config["SECRET_KEY"],
        "argon2",
        "sk_test",
        "whsec",
    ):
        assert secret not in everything and secret not in table, secret
