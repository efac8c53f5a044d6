"""A SQLite write lock held too long ends in a clean 503, not a killed worker.

The app's writers wait SQLITE_LOCK_TIMEOUT for the write gate (here 0.3 s, in
production 10 s, well under gunicorn's 30 s), then the request is answered 503
with Retry-After, in JSON on the API, and nothing is written.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from fundraiser import create_app
from fundraiser.extensions import db
from fundraiser.models import Donation
from fundraiser.services.campaigns import campaigns
from tests.support.harness import WEBHOOK_SECRET, LocalStripe
from tests.support.http import csrf_token, donate

pytestmark = pytest.mark.stripe


@pytest.fixture
def quick_app(tmp_path: Path, localstripe: LocalStripe) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.sqlite3'}",
            "SQLITE_LOCK_TIMEOUT": 0.3,
            "STRIPE_SECRET_KEY": "sk_test_local",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_local",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": localstripe.base,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
        campaigns.create_campaign(
            title="Busy drive",
            target_minor=100_000,
            currency="gbp",
            tiers=campaigns.DEMO_TIERS,
            story="A story.",
        )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_write_that_waits_too_long_for_the_lock_is_a_503(
    quick_app: Flask, tmp_path: Path
) -> None:
    client = quick_app.test_client()
    token = csrf_token(client)
    gate = os.open(str(tmp_path / "busy.sqlite3") + ".write-gate", os.O_RDWR | os.O_CREAT)
    fcntl.flock(gate, fcntl.LOCK_EX)  # another process in a long write transaction
    try:
        response = donate(client, token, amount="5")
    finally:
        os.close(gate)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.is_json and "busy" in response.json["error"]
    with quick_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) == 0
    # With the lock free again the same donor gets through.
    assert donate(client, token, amount="5").status_code == 200


def test_sqlite_connections_wait_no_longer_than_the_lock_timeout(quick_app: Flask) -> None:
    with quick_app.app_context():
        assert db.session.scalar(sa.text("PRAGMA busy_timeout")) == 300
