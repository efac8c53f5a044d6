"""What tests share besides fixtures: the real processes' handles, constants, helpers.

Fixtures (tests/conftest.py) build on these; test modules import them from
here, never from a conftest.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import stripe
from flask import Flask
from werkzeug.serving import BaseWSGIServer

from fundraiser.extensions import db
from fundraiser.models import Campaign

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "whsec_test_" + "0" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class LocalStripe:
    """A running localstripe process (real HTTP, real SDK calls)."""

    base: str
    process: subprocess.Popen[bytes]

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient("sk_test_local", base_addresses={"api": self.base})

    def flush(self) -> None:
        req = urllib.request.Request(self.base + "/_config/data", method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()

    def register_webhook(self, url: str, secret: str = WEBHOOK_SECRET, name: str = "app") -> None:
        body = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
        req = urllib.request.Request(f"{self.base}/_config/webhooks/{name}", data=body)
        urllib.request.urlopen(req, timeout=10).close()

    def intent_count(self) -> int:
        return len(self.client().v1.payment_intents.list(params={"limit": 100}).data)


def campaign_totals(app: Flask) -> tuple[int, int]:
    """(raised, donations) as stored, read fresh."""
    with app.app_context():
        row = db.session.execute(sa.select(Campaign.raised_minor, Campaign.donations_count)).one()
        return int(row[0]), int(row[1])


@dataclass
class LiveServer:
    url: str
    server: BaseWSGIServer


def wait_until(
    predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.1
) -> bool:
    """Poll `predicate` until it is truthy or `timeout` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return bool(value)
        time.sleep(interval)


ORGANISER_EMAIL = "robin@example.org"
ORGANISER_PASSWORD = "correct horse battery"
