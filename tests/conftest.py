"""Shared fixtures: the app on a migrated database, a real localstripe, a live server.

The database is SQLite in a temporary folder, or PostgreSQL when
TEST_DATABASE_URL is set. It is migrated once per session with the real
migrations and emptied before each test.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from werkzeug.serving import make_server

from fundraiser import create_app
from fundraiser.extensions import db, limiter
from fundraiser.models import Campaign
from fundraiser.services.campaigns import campaigns
from tests.support import visitor_traces
from tests.support.harness import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    ROOT,
    WEBHOOK_SECRET,
    LiveServer,
    LocalStripe,
    free_port,
    wait_for_http,
)
from tests.support.smtp import SmtpSink


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "localstripe_loopback.py"), str(port)],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/js.stripe.com/v3/")
        yield LocalStripe(base=base, process=proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(localstripe: LocalStripe, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "STRIPE_SECRET_KEY": "sk_test_local",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": localstripe.base,
            "STRIPE_JS_URL": localstripe.base + "/js.stripe.com/v3/",
            "SERVER_NAME": None,
            # Per-process limits, emptied before each test (see _reset_rate_limits).
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    # Every visitor comes from a marked address, and the app notes who it saw
    # (tests/support/visitor_traces.py; searched after each test, below).
    app.test_client_class = visitor_traces.MarkedClient
    app.wsgi_app = visitor_traces.Watch(app.wsgi_app)  # type: ignore[method-assign]
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            downgrade(revision="base")  # a reused PostgreSQL database starts clean
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_database() -> None:
    """Delete every row, children first, in one transaction."""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        with app.app_context():
            empty_database()


@pytest.fixture(autouse=True)
def _reset_rate_limits(request: pytest.FixtureRequest) -> None:
    """Each test starts with no requests counted against the card-testing limits."""
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        # In an app context: an app built since (create_app binds the one limiter)
        # may count in the database (security/db_limits.py).
        with app.app_context():
            limiter.reset()


@pytest.fixture(scope="session")
def log_sink(app: Flask) -> Iterator[visitor_traces.LogSink]:
    """Everything logged from now on, at the levels production logs (INFO and up)."""
    sink = visitor_traces.LogSink()
    root, request_log = logging.getLogger(), logging.getLogger("fundraiser.request")
    saved = root.level
    root.setLevel(logging.INFO)
    for logger in (root, request_log):  # the request log does not propagate
        logger.addHandler(sink)
    yield sink
    for logger in (root, request_log):
        logger.removeHandler(sink)
    root.setLevel(saved)


@pytest.fixture(autouse=True)
def _no_visitor_traces(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: no visitor's address or User-Agent in any row or log line.

    Fails the test that left one, saying where (issue 16: the server remembers
    no addresses, only keyed hashes).
    """
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    sink: visitor_traces.LogSink = request.getfixturevalue("log_sink")
    yield
    watch = app.wsgi_app
    assert isinstance(watch, visitor_traces.Watch)
    needles = watch.take()
    with app.app_context():
        found = visitor_traces.in_database(db.engine, db.metadata, needles)
    # Only a watch still listening can say nothing was logged.
    assert sink in logging.getLogger().handlers, "the log watch was detached from the root logger"
    found += visitor_traces.in_lines(sink.take(), needles, "log")
    if found:
        pytest.fail("A visitor's address or User-Agent was kept:\n" + "\n".join(found[:20]))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def campaign(app: Flask) -> Campaign:
    """The demo-like campaign: £50,000 target, £4/£7/£20 tiers, £1 to £10,000."""
    with app.app_context():
        created = campaigns.create_campaign(
            title="Test drive",
            target_minor=5_000_000,
            currency="gbp",
            tiers=campaigns.DEMO_TIERS,
            story="A story.",
        )
        db.session.refresh(created)
        db.session.expunge(created)
        return created


@pytest.fixture(scope="session")
def live_server(app: Flask, localstripe: LocalStripe) -> Iterator[LiveServer]:
    """The app served over real HTTP in a thread, with localstripe's webhook pointed at it."""
    port = free_port()
    # Browsers reach it from loopback; the app hears them at the marked address.
    server = make_server(
        "127.0.0.1",
        port,
        visitor_traces.marked(app),
        threaded=True,
        request_handler=visitor_traces.AnonymousRequestHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    localstripe.register_webhook(url + "/stripe/webhook")
    yield LiveServer(url=url, server=server)
    server.shutdown()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(app: Flask, smtp_server: SmtpSink) -> Iterator[SmtpSink]:
    """A real SMTP server on loopback, emptied, with the app's MAIL_* pointed at it."""
    smtp_server.reset()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    yield smtp_server
    app.config.update(saved)


# --- Organisers (the dashboard): ORGANISER_EMAIL / ORGANISER_PASSWORD in tests/support/harness.py ---
@pytest.fixture
def organiser(app: Flask) -> str:
    """An organiser account (ORGANISER_EMAIL / ORGANISER_PASSWORD); returns the email."""
    from fundraiser.services.organisers import organisers

    with app.app_context():
        organisers.create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
    return ORGANISER_EMAIL


@pytest.fixture
def logged_in(app: Flask, organiser: str) -> FlaskClient:
    """A test client logged in as the organiser."""
    from tests.support.dashboard import login

    client = app.test_client()
    response = login(client, organiser, ORGANISER_PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
