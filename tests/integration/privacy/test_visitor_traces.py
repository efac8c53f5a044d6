"""What the server remembers about a visitor: no address, no User-Agent (issue 16).

The whole suite is searched after every test (tests/conftest.py with
tests/support/visitor_traces.py); these tests show that search can fail, and run
production gunicorn behind a trusted proxy, whose output is searched as well.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import http.cookiejar
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from tests.support import visitor_traces
from tests.support.harness import ORGANISER_EMAIL, ROOT, LocalStripe
from tests.support.pledges import pledge_form
from tests.support.servers import gunicorn
from tests.support.visitor_traces import CLIENT_ADDRESS, USER_AGENT

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
OTHER = "198.51.100.23"  # RFC 5737, as a test might set


def test_the_watch_notes_every_address_and_agent_the_app_is_handed(
    app: Flask, client: FlaskClient
) -> None:
    assert client.environ_base["REMOTE_ADDR"] == CLIENT_ADDRESS
    client.get("/", environ_base={"REMOTE_ADDR": OTHER, "HTTP_USER_AGENT": "OtherAgent/1.0"})
    client.get("/", headers={"X-Forwarded-For": "192.0.2.9, 127.0.0.1"})
    seen = app.wsgi_app.take()  # type: ignore[attr-defined]
    assert {OTHER, "OtherAgent/1.0", "192.0.2.9", CLIENT_ADDRESS, USER_AGENT} <= seen
    assert "127.0.0.1" not in seen  # the harness's own loopback is not a visitor


def test_a_planted_address_is_found_and_named(
    app: Flask, campaign: Campaign, log_sink: visitor_traces.LogSink
) -> None:
    with app.app_context():
        db.session.execute(sa.update(Campaign).values(story=f"seen from {CLIENT_ADDRESS}"))
        db.session.commit()
        found = visitor_traces.in_database(db.engine, db.metadata, [CLIENT_ADDRESS, OTHER])
        db.session.execute(sa.update(Campaign).values(story="A story."))  # the run stays clean
        db.session.commit()
    assert found == [f"campaign.story (row {campaign.id}): {CLIENT_ADDRESS!r}"]
    logging.getLogger("fundraiser").warning("request from %s", USER_AGENT)
    lines = log_sink.take()
    assert visitor_traces.in_lines(lines, [USER_AGENT], "log") == [
        f"log: {'fundraiser: request from ' + USER_AGENT!r}"
    ]


def _open(
    opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None, **headers: str
) -> tuple[int, str]:
    marks = {"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_ADDRESS}
    request = urllib.request.Request(url, data=data, headers={**marks, **headers})
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_production_behind_its_proxy_keeps_only_keyed_hashes(
    app: Flask, localstripe: LocalStripe, campaign: Campaign, organiser: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with (
        log.open("wb") as output,
        gunicorn(app, localstripe, workers=1, output=output, TRUSTED_PROXIES="1") as (base, env),
    ):
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _, page = _open(browser, base + "/pledge")
        pledge = pledge_form(page, "visitor@example.org")
        assert _open(browser, base + "/pledge", urllib.parse.urlencode(pledge).encode())[0] == 200
        token = json.loads(_open(browser, base + "/api/csrf-token")[1])["csrf_token"]
        gift = json.dumps({"amount": "7.00", "email": "visitor@example.org"}).encode()
        json_headers = {"Content-Type": "application/json", "X-CSRFToken": token}
        status, answer = _open(browser, base + "/donate", gift, **json_headers)
        assert status == 200, answer
        assert _open(browser, base + "/donate", b"{not json", **json_headers)[0] == 400
        assert _open(browser, base + "/no-such-page")[0] == 404
        _, page = _open(browser, base + "/login")
        login = {"csrf_token": _CSRF.search(page)[1], "email": organiser, "password": "wrong"}  # type: ignore[index]
        assert _open(browser, base + "/login", urllib.parse.urlencode(login).encode())[0] == 401
    with app.app_context():
        stored = db.session.scalar(sa.select(Donation.client_address_hash))
        found = visitor_traces.in_database(db.engine, db.metadata, [CLIENT_ADDRESS, USER_AGENT])
    # The app did hear the forwarded address (so the search means something) ...
    key = env["SECRET_KEY"].encode()
    expected = hmac.new(key, f"address:{CLIENT_ADDRESS}".encode(), hashlib.sha256).hexdigest()
    assert stored == expected[:32]
    # ... and kept it nowhere, in the database or in what the server wrote.
    written = log.read_text()
    assert '"path": "/donate"' in written  # the request log was written
    assert ORGANISER_EMAIL not in written
    assert found == []
    assert visitor_traces.in_lines(written.splitlines(), [CLIENT_ADDRESS, USER_AGENT], "log") == []


def test_an_organisers_session_holds_a_keyed_identifier(
    logged_in: FlaskClient, campaign: Campaign
) -> None:
    with logged_in.session_transaction() as session:
        identifier = session["_id"]
    stock = hashlib.sha512(f"{CLIENT_ADDRESS}|{USER_AGENT.encode()}".encode()).hexdigest()
    assert identifier != stock  # Flask-Login's own, reversible by trying every address
    assert len(identifier) == 32  # client_keys.keyed_hash
    assert logged_in.get("/dashboard/").status_code == 200  # and the session still works


def test_gunicorns_access_log_format_names_no_visitor() -> None:
    # Read, not imported: importing gunicorn.conf.py sets up a metrics folder.
    tree = ast.parse((ROOT / "gunicorn.conf.py").read_text())
    [fmt] = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "access_log_format" for t in node.targets)
    ]
    for atom in ("%(h)s", "%(a)s", "%(f)s", "%(r)s", "%(U)s", "%(q)s", "}i)s"):
        assert atom not in fmt, atom
    assert "%({x-request-id}o)s" in fmt
