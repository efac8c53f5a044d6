"""The app under real gunicorn with production settings, for tests of what a deployment does."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import IO, Any

from flask import Flask

from tests.support.harness import ROOT, WEBHOOK_SECRET, LocalStripe, free_port, wait_for_http


def production_env(app: Flask, localstripe: LocalStripe, port: int, **extra: str) -> dict[str, str]:
    """The documented production environment (no Redis, no MAIL_SERVER, no proxy) for `port`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "RATELIMIT_STORAGE_URI", "MAIL_SERVER"}
        and not key.endswith("_LIMITS_PER_ADDRESS")
    }
    env.update(
        FUNDRAISER_ENV="production",
        SECRET_KEY="test-secret-for-production",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        STRIPE_SECRET_KEY="sk_test_local",
        STRIPE_PUBLISHABLE_KEY="pk_test_local",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=localstripe.base,
        STRIPE_JS_URL=localstripe.base + "/js.stripe.com/v3/",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        SESSION_COOKIE_SECURE="0",  # plain HTTP here; a real deployment sits behind TLS
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(
    app: Flask,
    localstripe: LocalStripe,
    *,
    workers: int,
    output: IO[Any] | int | None = None,
    port: int | None = None,
    **extra: str,
) -> Iterator[tuple[str, dict[str, str]]]:
    """`gunicorn -c gunicorn.conf.py wsgi:app` in production (`extra` settings on top) on
    `port` (a free one by default); yields (base URL, its env)."""
    port = port or free_port()
    env = production_env(app, localstripe, port, GUNICORN_WORKERS=str(workers), **extra)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=output if output is not None else subprocess.DEVNULL,
        stderr=output if output is not None else subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/api/progress", timeout=60)
        yield url, env
    finally:
        proc.terminate()
        proc.wait(timeout=30)
