"""GuardedInput.drain: what is left of a declared body is read, within a bound."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from werkzeug.test import EnvironBuilder

from fundraiser import create_app
from fundraiser.security.bodies import GuardedInput


def test_drain_reads_only_what_the_app_left() -> None:
    raw = io.BytesIO(b"a" * 200_000 + b"NEXT")
    body = GuardedInput(raw)
    assert body.read(1000) == b"a" * 1000
    body.drain(200_000, bound=1_000_000)
    # The declared body is gone and nothing past it (the next request) was touched.
    assert raw.read() == b"NEXT"


def test_drain_leaves_a_body_past_the_bound_and_a_fully_read_one() -> None:
    huge = io.BytesIO(b"a" * 5000)
    GuardedInput(huge).drain(5000, bound=4999)
    assert huge.tell() == 0
    whole = io.BytesIO(b"line one\nline two\nNEXT")
    body = GuardedInput(whole)
    assert body.readlines(2) == [b"line one\n"]
    assert body.readline() == b"line two\n"
    body.drain(18, bound=100)
    assert whole.read() == b"NEXT"


def test_a_client_that_hangs_up_mid_body_stops_the_drain_quietly() -> None:
    short = io.BytesIO(b"only this")
    GuardedInput(short).drain(1000, bound=5000)
    assert short.read() == b""


def _app_reading_nothing(tmp_path: Path, proxies: int) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db",
            "RATELIMIT_STORAGE_URI": "memory://",
            "TRUSTED_PROXIES": proxies,
        }
    )

    @app.post("/_refuse")
    def refuse() -> tuple[str, int]:
        return "no", 400

    return app


def _left_unread(app: Flask) -> int:
    body = io.BytesIO(b"x" * 300_000)
    environ = EnvironBuilder(
        path="/_refuse",
        method="POST",
        input_stream=body,
        content_length=300_000,
        content_type="application/octet-stream",
    ).get_environ()
    b"".join(app.wsgi_app(environ, lambda *args: None))
    return 300_000 - body.tell()


def test_only_behind_the_proxy_is_a_refused_body_read_to_its_end(tmp_path: Path) -> None:
    assert _left_unread(_app_reading_nothing(tmp_path, proxies=1)) == 0
    # Straight at gunicorn the rest is gunicorn's to drain, within its own bounds.
    assert _left_unread(_app_reading_nothing(tmp_path, proxies=0)) == 300_000
