"""Production logs, searched for a supporter: no email, name, message or token anywhere.

A production gunicorn (no MAIL_SERVER) takes a pledge and a donation that carry
a supporter's details; the supporter then opens their pay and cancel links;
`send-mail` runs as the scheduler would. Everything the server and the command
wrote is then searched.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign, OutboxMessage
from fundraiser.ops.redaction import redact
from tests.support.harness import ROOT, LocalStripe
from tests.support.pledges import pledge_form
from tests.support.servers import gunicorn

EMAIL = "supporter.kestrel@example.org"
NAME = "Wilhelmina Quorndon"
MESSAGE = "Solidarity from the allotment society"
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_LINK = re.compile(r"https?://\S+")


def _open(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None, **headers: str
) -> tuple[int, str]:
    try:
        response = opener.open(urllib.request.Request(url, data=data, headers=headers), timeout=30)
        return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_logs_never_hold_a_supporters_details(
    app: Flask, localstripe: LocalStripe, campaign: Campaign, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with (
        log.open("wb") as output,
        gunicorn(app, localstripe, workers=2, output=output) as (base, env),
    ):
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _, page = _open(browser, base + "/pledge")
        form = pledge_form(page, EMAIL)
        status, _ = _open(browser, base + "/pledge", urllib.parse.urlencode(form).encode())
        assert status == 200  # followed the redirect to the confirmation page

        token = json.loads(_open(browser, base + "/api/csrf-token")[1])["csrf_token"]
        body = {
            "amount": "7.00",
            "email": EMAIL,
            "display_name": NAME,
            "name_public": True,
            "message": MESSAGE,
        }
        status, answer = _open(
            browser,
            base + "/donate",
            json.dumps(body).encode(),
            **{"Content-Type": "application/json", "X-CSRFToken": token},
        )
        assert status == 200, answer
        _open(browser, json.loads(answer)["return_url"])

        with app.app_context():
            texts = list(db.session.scalars(sa.select(OutboxMessage.body_text)))
        links = [url for text in texts for url in _LINK.findall(text)]
        capabilities = [
            urlsplit(url).path for url in links if "/pledge/" in url or "/unsubscribe/" in url
        ]
        assert capabilities, links
        for path in capabilities:
            _open(browser, base + path)
        secrets = [EMAIL, NAME, MESSAGE] + [p.rsplit("/", 1)[-1] for p in capabilities]
        secrets += [urlsplit(json.loads(answer)["return_url"]).path.rsplit("/", 1)[-1]]

        command = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "fundraiser", "send-mail"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    written = log.read_text() + command.stdout + command.stderr
    assert '"path": "/pledge/cancel/[redacted]"' in written, (
        "the request log has the visits, tokens redacted"
    )
    assert "stays in the outbox" in written
    for secret in secrets:
        assert secret not in written, secret
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) >= 1


def test_redact_removes_addresses_and_path_tokens() -> None:
    text = (
        "to a.b+c@example.co.uk: http://x/pledge/cancel/abc.def-1 /thanks/d_123 /pledge/t0k/donate"
    )
    assert redact(text) == (
        "to [email]: http://x/pledge/cancel/[redacted] /thanks/[redacted] /pledge/[redacted]/donate"
    )
    assert redact("/give/glasgow-vigil /dashboard/") == "/give/glasgow-vigil /dashboard/"
    # Organiser invitations and password resets carry single-use capabilities too.
    assert redact("/invite/abc.DEF_1 /login/reset/xyz") == (
        "/invite/[redacted] /login/reset/[redacted]"
    )
    assert redact("/login/forgot") == "/login/forgot"
    # The livestream overlays' URLs carry their secret token (issue 14).
    assert redact("/overlay/tok_EN-1/alerts.json?after=3 /overlay/t/bar") == (
        "/overlay/[redacted]/alerts.json?after=3 /overlay/[redacted]/bar"
    )
