"""Bodies the parser cannot take get a clear 400 and change nothing: never a 500."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, StripeEvent
from tests.support import stripe_events as se
from tests.support.harness import ROOT, WEBHOOK_SECRET, LocalStripe, free_port, wait_for_http
from tests.support.http import csrf_token

DEEP = 5_000


def deep_json(depth: int = DEEP) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def _rows(app: Flask) -> tuple[int, int]:
    with app.app_context():
        donations = db.session.scalar(sa.select(sa.func.count()).select_from(Donation))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent))
        return int(donations or 0), int(events or 0)


def test_deep_json_on_donate_is_a_400(app: Flask, client: FlaskClient, campaign: Campaign) -> None:
    token = csrf_token(client)
    deep_object = b'{"amount": ' + deep_json() + b"}"
    for body in (deep_json(), deep_object):
        response = client.post(
            "/donate",
            data=body,
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        assert response.status_code == 400, response.get_data(as_text=True)[:200]
        assert response.is_json
    assert _rows(app) == (0, 0)


def test_deep_json_on_the_webhook_is_a_400_even_when_signed(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    payload = b'{"id": "evt_deep", "data": ' + deep_json() + b"}"
    headers = {
        "Stripe-Signature": se.signature_header(payload, WEBHOOK_SECRET),
        "Content-Type": "application/json",
    }
    response = client.post("/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 400
    unsigned = client.post(
        "/stripe/webhook", data=payload, headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 400
    assert _rows(app) == (0, 0)


@pytest.fixture
def gunicorn_server(app: Flask, localstripe: LocalStripe, campaign: Campaign) -> Iterator[int]:
    """The app under gunicorn (it, not the test client, reads chunked bodies)."""
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
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/progress", timeout=60)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\n{}\r\n0\r\n\r\n",  # not a chunk size
        b"5\r\n{}\r\n0\r\n\r\n",  # a chunk shorter than it says, no terminator
        b"2\r\n{}XX0\r\n\r\n",  # chunk data not followed by CRLF
    ],
)
def test_a_malformed_chunked_body_is_a_400(app: Flask, gunicorn_server: int, body: bytes) -> None:
    for path in ("/stripe/webhook", "/donate"):
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        ).encode() + body
        status = _raw(gunicorn_server, request).split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 400"), (path, status)
    assert _rows(app) == (0, 0)
