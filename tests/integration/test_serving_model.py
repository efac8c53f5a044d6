"""The shipped gunicorn config under a Stripe that does not answer.

Real gunicorn (`-c gunicorn.conf.py`, one worker so that only its threads can
keep it serving), a fresh SQLite database, and a fake Stripe on loopback that
reads requests and never answers (tests/support/stall.py). A donor's request
stuck on Stripe must not hold up /api/progress in the same worker, and when
Stripe's deadline passes the donor gets JSON, never gunicorn's HTML page, and
the donation's row is failed rather than left `created`.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import free_port, wait_until
from tests.support.stall import StallingServer

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


class Visitor:
    """One browser: its own cookie jar, JSON in and out."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def send(self, path: str, body: dict[str, object] | None = None, **headers: str) -> Answer:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.headers["Content-Type"], response.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers.get("Content-Type", ""), exc.read())

    def donate(self, amount: str = "5") -> Answer:
        token = json.loads(self.send("/api/csrf-token").body)["csrf_token"]
        return self.send("/donate", {"amount": amount}, **{"X-CSRFToken": token})


@dataclass
class Server:
    url: str
    database_url: str

    def statuses(self) -> list[str]:
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(conn.scalars(sa.text("SELECT status FROM donation ORDER BY id")))
        finally:
            engine.dispose()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def gunicorn(tmp_path: Path, stripe_base: str, **settings: str) -> Iterator[Server]:
    """The app as docs/deploy.md runs it (one worker), Stripe at `stripe_base`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp_path / 'serving.sqlite3'}"
    env = dict(
        os.environ,
        FUNDRAISER_ENV="production",
        SESSION_COOKIE_SECURE="0",  # plain http on loopback
        SECRET_KEY=secrets.token_hex(16),
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=url,
        STRIPE_SECRET_KEY="sk_test_stall",
        STRIPE_PUBLISHABLE_KEY="pk_test_stall",
        STRIPE_WEBHOOK_SECRET="whsec_stall_" + secrets.token_hex(8),
        STRIPE_API_BASE=stripe_base,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        **settings,
    )
    for name in ("PROMETHEUS_MULTIPROC_DIR", "GUNICORN_THREADS", "REDIS_URL"):
        env.pop(name, None)
    for args in (("db", "upgrade"), ("fundraiser", "demo")):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: process.poll() is None and _healthy(url), timeout=30)
        yield Server(url, database_url)
    finally:
        process.terminate()
        try:  # a thread still held by the stall keeps a graceful stop waiting
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_donor_stuck_on_stripe_does_not_hold_up_progress(tmp_path: Path) -> None:
    with (
        StallingServer() as stripe,
        # A read timeout longer than the test: only release() ends the donor's wait.
        gunicorn(tmp_path, stripe.base, STRIPE_READ_TIMEOUT="600") as server,
    ):
        answers: list[Answer] = []
        donor = threading.Thread(target=lambda: answers.append(Visitor(server.url).donate()))
        donor.start()
        assert wait_until(lambda: stripe.requests_seen == 1, timeout=30)
        assert server.statuses() == ["created"]  # committed before Stripe was asked

        viewer = Visitor(server.url)
        for _ in range(5):
            progress = viewer.send("/api/progress")
            assert progress.status == 200
            assert json.loads(progress.body)["raised"] == 0
        # The same worker answered every poll while the donor was still waiting.
        assert donor.is_alive() and answers == []
        assert stripe.requests_seen == 1

        stripe.release()  # Stripe hangs up without a word
        donor.join(timeout=60)
        [answer] = answers
        assert answer.status == 502
        assert answer.content_type.startswith("application/json")
        assert json.loads(answer.body)["error"]
        assert server.statuses() == ["failed"]


def test_stripes_deadline_gives_the_donor_json_and_a_failed_row(tmp_path: Path) -> None:
    with (
        StallingServer() as stripe,
        gunicorn(
            tmp_path,
            stripe.base,
            STRIPE_CONNECT_TIMEOUT="1",
            STRIPE_READ_TIMEOUT="1",
            STRIPE_MAX_NETWORK_RETRIES="1",
        ) as server,
    ):
        answer = Visitor(server.url).donate()
        assert answer.status == 502
        assert answer.content_type.startswith("application/json")
        assert "payment provider" in json.loads(answer.body)["error"]
        # Nobody released the stall: the client timed out, retried once, gave up.
        assert stripe.requests_seen == 2
        assert server.statuses() == ["failed"]
        # The worker lived through it and still serves.
        assert Visitor(server.url).send("/api/progress").status == 200
