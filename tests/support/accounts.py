"""Helpers for organiser-account tests: links in emails, TOTP codes, the login steps."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, OutboxMessage
from tests.support.dashboard import hidden_fields, login
from tests.support.qr import decode_svg

_URL = re.compile(r"https?://[^\s\"'<>]+")
_SVG = re.compile(r"<svg.*?</svg>", re.S)
_CODE = re.compile(r"<li><code>([a-z0-9-]{19})</code></li>")


def urls(text: str) -> list[str]:
    return _URL.findall(text)


def outbox(app: Flask, kind: str | None = None) -> list[OutboxMessage]:
    """Messages in the outbox (of `kind`), oldest first, detached."""
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        return rows


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def audit_text(app: Flask) -> str:
    """Everything the audit log holds, as one string, to search for secrets."""
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEntry)).all()
        return "\n".join(f"{r.actor} {r.action} {r.summary} {r.detail}" for r in rows)


def post_page(
    client: FlaskClient, page: str, action: str | None = None, **fields: str
) -> TestResponse:
    """Open `page`, take its hidden fields (CSRF), POST `fields` to `action` (default: page)."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action or page, data={**hidden_fields(html), **fields})


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def code_next(secret: str) -> str:
    """The code of the next 30-second step: accepted (clock drift) and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def enrol(client: FlaskClient) -> tuple[str, list[str]]:
    """Set up two-factor login for the logged-in client the way a person does:
    read the QR code on the page (as a phone would), type a code. Returns
    (secret, recovery codes)."""
    page = post_page(client, "/dashboard/two-factor", "/dashboard/two-factor/start")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    [uri] = decode_svg(_SVG.search(html).group(0).encode())  # type: ignore[union-attr]
    assert uri.startswith("otpauth://totp/")
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    done = post_page(
        client, "/dashboard/two-factor", "/dashboard/two-factor/confirm", code=code_now(secret)
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = _CODE.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def login_two_steps(client: FlaskClient, email: str, password: str, code: str) -> TestResponse:
    """Password, then the code page; the response to the code."""
    first = login(client, email, password)
    assert first.status_code == 302 and first.headers["Location"] == "/login/two-factor", (
        first.status_code,
        first.headers.get("Location"),
    )
    return post_page(client, "/login/two-factor", code=code)
