"""A `limits` storage in the app's own database: one count for the whole deployment.

Without Redis, Flask-Limiter's memory storage counts per process, so five
gunicorn workers let five times the limit through. This storage keeps each
counted request as a row (models/rate_limit.py) in the database every worker
already shares, so the limit holds across workers and machines with nothing
more to run. Selected by `RATELIMIT_STORAGE_URI = "fundraiser-db://"`, the
default when REDIS_URL is unset.

Each hit is one short transaction on its own connection (never the request's
session): first an upsert of the key's row, which makes concurrent hits on the
same key queue (a row lock on PostgreSQL, the write lock on SQLite), then a
count of the live hits and, when under the limit, a new hit. Only the
moving-window strategy (the app's) is exact; the fixed-window methods count the
same rows and exist because the interface requires them.
"""

from __future__ import annotations

import functools
import random
import time
from typing import Any

import sqlalchemy as sa
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..extensions import db
from ..models import RateLimitHit, RateLimitKey

SCHEME = "fundraiser-db"
# About one hit in this many also deletes every expired row, of any key.
PURGE_ONE_IN = 200
KEY_LIFETIME = 86_400  # seconds a key's row outlives its last hit

_hits = RateLimitHit.__table__
_keys = RateLimitKey.__table__


def _engine() -> Engine:
    return db.engine  # needs an app context, which every limited request has


# Built once: every limit on a limited request is one hit running these (POST
# /donate's defaults make four: two windows each for address and session), inside a write transaction that SQLite lets only one writer hold.
_LIVE = (
    sa.select(sa.func.count())
    .select_from(_hits)
    .where(_hits.c.key == sa.bindparam("key"), _hits.c.expires_at > sa.bindparam("now"))
)
_ADD = _hits.insert().values(
    key=sa.bindparam("key"), created_at=sa.bindparam("now"), expires_at=sa.bindparam("expires")
)


@functools.cache
def _upsert_key(dialect: str) -> sa.Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_keys).values(key=sa.bindparam("key"), touched_at=sa.bindparam("now"))
    return statement.on_conflict_do_update(
        index_elements=["key"], set_={"touched_at": statement.excluded.touched_at}
    )


def _lock_key(conn: Connection, key: str, now: float) -> None:
    """Write the key's row, holding its lock until the transaction ends."""
    conn.execute(_upsert_key(conn.dialect.name), {"key": key, "now": now})


def _live(conn: Connection, key: str, now: float) -> int:
    return int(conn.scalar(_LIVE, {"key": key, "now": now}) or 0)


def _add(conn: Connection, key: str, now: float, expiry: int, amount: int) -> None:
    conn.execute(_ADD, [{"key": key, "now": now, "expires": now + expiry}] * amount)
    # Expired hits are not counted (_LIVE), so deleting them is housekeeping, not
    # security: about one hit in PURGE_ONE_IN does it for every key (and the
    # hourly purge() below), rather than a DELETE on every hit.
    if random.randrange(PURGE_ONE_IN) == 0:
        conn.execute(sa.delete(_hits).where(_hits.c.expires_at <= now))
        conn.execute(sa.delete(_keys).where(_keys.c.touched_at <= now - KEY_LIFETIME))


def purge(now: float | None = None) -> int:
    """Delete every expired hit, and keys untouched for a day; return hits deleted.

    The hourly `forget-client-keys` runs it, so a hashed key outlives its last
    hit by a day (plus an hour) even when no more requests come. Needs an app context.
    """
    now = time.time() if now is None else now
    with _engine().begin() as conn:
        dropped = conn.execute(sa.delete(_hits).where(_hits.c.expires_at <= now)).rowcount
        conn.execute(sa.delete(_keys).where(_keys.c.touched_at <= now - KEY_LIFETIME))
    return int(dropped or 0)


class DatabaseStorage(Storage, MovingWindowSupport):
    """Rate-limit counts in the app's SQL database (SQLite or PostgreSQL)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 - the base class declares it a list

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.SQLAlchemyError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` hits under `key` if that keeps it within `limit`; say whether it did.

        Atomic across processes: two workers can never both take the last place.
        """
        if amount > limit:
            return False
        now = time.time()
        with _engine().begin() as conn:
            _lock_key(conn, key, now)
            if _live(conn, key, now) + amount > limit:
                return False
            _add(conn, key, now, expiry, amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the oldest live hit was counted, how many are live); (now, 0) if none."""
        now = time.time()
        with _engine().connect() as conn:
            oldest, count = conn.execute(
                sa.select(sa.func.min(_hits.c.created_at), sa.func.count()).where(
                    _hits.c.key == key, _hits.c.expires_at > now
                )
            ).one()
        return (float(oldest), int(count)) if count else (now, 0)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` hits without a limit; return how many are live."""
        now = time.time()
        with _engine().begin() as conn:
            _lock_key(conn, key, now)
            _add(conn, key, now, expiry, amount)
            return _live(conn, key, now)

    def get(self, key: str) -> int:
        with _engine().connect() as conn:
            return _live(conn, key, time.time())

    def get_expiry(self, key: str) -> float:
        with _engine().connect() as conn:
            latest = conn.scalar(
                sa.select(sa.func.max(_hits.c.expires_at)).where(_hits.c.key == key)
            )
        return float(latest) if latest is not None else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as conn:
                conn.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count; return how many hits were dropped."""
        with _engine().begin() as conn:
            dropped = conn.execute(sa.delete(_hits)).rowcount
            conn.execute(sa.delete(_keys))
        return int(dropped)

    def clear(self, key: str) -> None:
        with _engine().begin() as conn:
            conn.execute(sa.delete(_hits).where(_hits.c.key == key))
            conn.execute(sa.delete(_keys).where(_keys.c.key == key))
