"""The app under real gunicorn with the shipped config, and a visitor talking to it.

`gunicorn(...)` makes a fresh SQLite database (migrated, with the demo
campaign) and serves it as docs/deploy.md does, with FUNDRAISER_ENV=production;
`Visitor` is one browser's cookie jar speaking JSON.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.support.harness import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str]


class Visitor:
    """One browser: its own cookie jar, JSON in and out."""

    def __init__(self, base: str, tls: ssl.SSLContext | None = None) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPSHandler(context=tls),
        )

    def send(self, path: str, body: dict[str, object] | None = None, **headers: str) -> Answer:
        """`path` (GET, or POST of `body` as JSON); an error status is an Answer too."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(
                    response.status,
                    response.headers.get("Content-Type", ""),
                    response.read(),
                    dict(response.headers.items()),
                )
        except urllib.error.HTTPError as exc:
            return Answer(
                exc.code, exc.headers.get("Content-Type", ""), exc.read(), dict(exc.headers.items())
            )

    def donate(self, amount: str = "5") -> Answer:
        token = json.loads(self.send("/api/csrf-token").body)["csrf_token"]
        return self.send("/donate", {"amount": amount}, **{"X-CSRFToken": token})


@dataclass
class Server:
    url: str
    database_url: str
    env: dict[str, str]  # the server's settings (its webhook secret among them)

    def flask(self, *args: str) -> str:
        """`flask --app wsgi ARGS` on this server's database and settings; its output."""
        return _flask(self.env, *args)

    def rows(self, sql: str) -> list[sa.Row[Any]]:
        """What `sql` reads from the server's database, directly."""
        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(sql)))
        finally:
            engine.dispose()

    def statuses(self) -> list[str]:
        """Every donation's status, oldest first, read from the database directly."""
        return [str(row[0]) for row in self.rows("SELECT status FROM donation ORDER BY id")]


def _flask(env: dict[str, str], *args: str) -> str:
    """`flask --app wsgi ARGS` with `env`; its output (a failure raises)."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


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
        if name not in settings:  # the shipped defaults, unless the test says
            env.pop(name, None)
    for args in (("db", "upgrade"), ("fundraiser", "demo")):
        _flask(env, *args)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: process.poll() is None and _healthy(url), timeout=30)
        yield Server(url, database_url, env)
    finally:
        process.terminate()
        try:  # a thread still held by the stall keeps a graceful stop waiting
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
