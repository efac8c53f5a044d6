"""Keyed hashes of visitors live only as long as /privacy says: the hourly job ends them."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import LoginFailure, RateLimitHit, RateLimitKey
from fundraiser.models.types import utcnow
from fundraiser.security import db_limits
from fundraiser.services.donations import privacy


def test_failed_login_keys_go_after_their_hour(app: Flask) -> None:
    with app.app_context():
        now = utcnow()
        db.session.add_all(
            [
                LoginFailure(scope="address", key="a" * 64, created_at=now - timedelta(hours=2)),
                LoginFailure(scope="address", key="b" * 64, created_at=now),
            ]
        )
        db.session.commit()
        privacy.forget_client_keys()
        assert list(db.session.scalars(sa.select(LoginFailure.key))) == ["b" * 64]


def test_rate_limit_counts_go_when_expired_and_keys_a_day_after(app: Flask) -> None:
    now = time.time()
    with app.app_context():
        db.session.add_all(
            [
                RateLimitKey(key="fundraiser/old", touched_at=now - 90_000),
                RateLimitKey(key="fundraiser/new", touched_at=now),
                RateLimitHit(key="fundraiser/old", created_at=now - 90_000, expires_at=now - 1),
                RateLimitHit(key="fundraiser/new", created_at=now, expires_at=now + 60),
            ]
        )
        db.session.commit()
        assert db_limits.purge(now) == 1
        assert list(db.session.scalars(sa.select(RateLimitKey.key))) == ["fundraiser/new"]
        assert list(db.session.scalars(sa.select(RateLimitHit.key))) == ["fundraiser/new"]
