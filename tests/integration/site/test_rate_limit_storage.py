"""With REDIS_URL set, every worker shares one count: two gunicorn workers, one limit.

Needs a Redis server (REDIS_URL, or redis://127.0.0.1:6379/0); skipped without one.
Keys get a unique prefix and are deleted afterwards, so shared servers are safe.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from flask import Flask

from fundraiser.models import Campaign
from tests.support.attack import intent_ids
from tests.support.harness import ROOT, WEBHOOK_SECRET, LocalStripe, free_port, wait_for_http

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
ATTEMPTS = 30
LIMIT = 10


def redis_or_skip() -> redis.Redis:
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return server


@pytest.fixture
def two_workers(app: Flask, localstripe: LocalStripe, campaign: Campaign) -> Iterator[str]:
    """The app under gunicorn with two worker processes sharing Redis-backed limits."""
    server = redis_or_skip()
    prefix = "fundraiser-test-" + secrets.token_hex(6)
    port = free_port()
    env = {
        **os.environ,
        "FUNDRAISER_ENV": "development",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STRIPE_SECRET_KEY": "sk_test_local",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": localstripe.base,
        "STRIPE_JS_URL": localstripe.base + "/js.stripe.com/v3/",
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "DONATE_LIMITS_PER_ADDRESS": f"{LIMIT}/minute",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/api/progress")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for key in server.scan_iter(match=f"*{prefix}*"):
            server.delete(key)


def attempt(base: str, amount: int) -> int:
    """One card-tester attempt in a fresh session: load the page, fetch the CSRF
    token as the page's script does, press Donate."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    opener.open(base + "/", timeout=10).read()
    token = json.load(opener.open(base + "/api/csrf-token", timeout=10))["csrf_token"]
    body = json.dumps({"amount": f"{amount}.00"}).encode()
    request = urllib.request.Request(
        base + "/donate",
        data=body,
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    try:
        return opener.open(request, timeout=20).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_workers_share_one_limit_through_redis(
    two_workers: str, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda n: attempt(two_workers, 1 + n), range(ATTEMPTS)))
    reached = len(intent_ids(localstripe))
    assert set(codes) <= {200, 429}, codes
    assert 1 <= codes.count(200) == reached <= LIMIT, (codes, reached)
