"""Two app servers (separate gunicorn processes) against one PostgreSQL.

They share state only through the database (and the signed session cookie,
whose key they share): a donation whose webhook reaches server A shows in
server B's /api/progress, and a CSRF token from B is good on A. Metrics from
a server's two workers add up at one scrape.

Needs PostgreSQL (TEST_PG_ADMIN_URL, default the shared `test` database on
127.0.0.1); the test makes its own database and drops it afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.support.harness import LocalStripe, free_port, wait_until

pytestmark = pytest.mark.stripe

ROOT = Path(__file__).resolve().parents[3]
ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
METRICS_TOKEN = "two-servers-" + secrets.token_hex(8)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT_PREFIX = "fundraiser-two-servers-" + secrets.token_hex(6)
WEBHOOK_SECRET = "whsec_two_" + secrets.token_hex(12)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = "fundraiser_i6_" + secrets.token_hex(6)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc.orig}")
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]


def flask_command(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def start(env: dict[str, str]) -> Server:
    """gunicorn with the production config file and two workers, on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    assert wait_until(lambda: process.poll() is None and healthy(url), timeout=30), url
    return Server(url, process)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def servers(pg_url: str, localstripe: LocalStripe) -> Iterator[tuple[Server, Server]]:
    env = dict(
        os.environ,
        FUNDRAISER_ENV="production",
        SESSION_COOKIE_SECURE="0",  # plain http on loopback
        SECRET_KEY="two-servers-" + secrets.token_hex(16),
        DATABASE_URL=pg_url,
        STRIPE_SECRET_KEY="sk_test_local",
        STRIPE_PUBLISHABLE_KEY="pk_test_local",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=localstripe.base,
        METRICS_TOKEN=METRICS_TOKEN,
        PUBLIC_BASE_URL="http://127.0.0.1",  # production requires one; links are not followed here
        # The card-testing limit, shared through Redis (test_a_rate_limit_is_shared...).
        REDIS_URL=REDIS_URL,
        RATELIMIT_KEY_PREFIX=LIMIT_PREFIX,
        DONATE_LIMITS_PER_ADDRESS="4/minute",
        DONATE_LIMITS_PER_SESSION="100/minute",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    flask_command(env, "db", "upgrade")
    flask_command(env, "fundraiser", "demo")
    a = start(env)
    try:
        b = start(env)
    except BaseException:
        a.process.terminate()
        raise
    yield a, b
    for server in (a, b):
        server.process.terminate()
        server.process.wait(timeout=30)


class Browser:
    """One visitor: a cookie jar shared by every server on 127.0.0.1."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def json(self, url: str, body: dict[str, object] | None = None, **headers: str) -> object:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, headers=headers)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with self.opener.open(request, timeout=10) as response:
            return json.loads(response.read())


def metric(server: Server, name: str, **labels: str) -> float:
    request = urllib.request.Request(
        server.url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(f"{name}{{{wanted}}}" if labels else name) + r" ([0-9.e+]+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_a_donation_through_server_a_shows_on_server_b(
    servers: tuple[Server, Server], localstripe: LocalStripe
) -> None:
    a, b = servers
    localstripe.register_webhook(
        a.url + "/stripe/webhook", secret=WEBHOOK_SECRET, name="two-servers-" + secrets.token_hex(4)
    )
    donor = Browser()
    progress = donor.json(b.url + "/api/progress")
    assert progress["raised"] == 0  # type: ignore[index]

    token = donor.json(b.url + "/api/csrf-token")["csrf_token"]  # type: ignore[index]
    started = donor.json(a.url + "/donate", {"amount": "7"}, **{"X-CSRFToken": token})
    intent_id = str(started["client_secret"]).split("_secret_")[0]  # type: ignore[index]
    intents = localstripe.client().v1.payment_intents
    intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    intents.confirm(intent_id)  # localstripe then signs and delivers the webhook to A

    def b_shows_it() -> bool:
        return donor.json(b.url + "/api/progress")["raised"] == 700  # type: ignore[index]

    assert wait_until(b_shows_it, timeout=15)
    status = donor.json(b.url + f"/api/donations/{started['donation']}")  # type: ignore[index]
    assert status["status"] == "succeeded"  # type: ignore[index]
    # The webhook was counted by one of A's workers; the scrape adds both up.
    assert metric(a, "fundraiser_donations_counted_total", currency="gbp") == 1
    assert metric(b, "fundraiser_donations_counted_total", currency="gbp") == 0
    assert metric(b, "fundraiser_campaign_raised_minor") == 700  # read from the database


def test_metrics_add_up_across_workers(servers: tuple[Server, Server]) -> None:
    a, _ = servers
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    before = metric(a, "fundraiser_http_requests_total", **labels)
    for _ in range(20):
        assert healthy(a.url)
    assert metric(a, "fundraiser_http_requests_total", **labels) == before + 20


def test_the_public_cannot_read_either_servers_metrics(servers: tuple[Server, Server]) -> None:
    for server in servers:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/metrics", timeout=10)
        assert refused.value.code == 401


def test_a_rate_limit_is_shared_by_both_servers(servers: tuple[Server, Server]) -> None:
    """Four attempts a minute from one address, whichever server each one reaches."""
    import redis

    from fundraiser.security import card_testing

    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    for key in store.scan_iter(match=f"*{LIMIT_PREFIX}*"):
        store.delete(key)  # earlier tests here donated from this address too
    a, b = servers
    tester = Browser()
    token = tester.json(a.url + "/api/csrf-token")["csrf_token"]  # type: ignore[index]
    codes, bodies = [], []
    for server in (a, b, a, b, a, b):
        # Below the minimum: refused by validation, so Stripe is never called.
        request = urllib.request.Request(
            server.url + "/donate",
            data=json.dumps({"amount": "0.01"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        try:
            with tester.opener.open(request, timeout=10) as response:
                codes.append(response.status)
        except urllib.error.HTTPError as exc:
            codes.append(exc.code)
            bodies.append(json.loads(exc.read()))
    try:
        assert codes == [400, 400, 400, 400, 429, 429]
        assert bodies[-1] == {"error": card_testing.REFUSAL_MESSAGE}
    finally:
        for key in store.scan_iter(match=f"*{LIMIT_PREFIX}*"):
            store.delete(key)
