"""Rate-limit counts kept in the app's own database (fundraiser/security/db_limits.py).

Keys are the limiter's keys, which hold only hashed client keys
(security/client_keys.py), never a raw address or session id.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RateLimitKey(db.Model):
    """One row per limiter key: writing it first queues concurrent hits on that key."""

    __tablename__ = "rate_limit_key"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    touched_at: Mapped[float] = mapped_column(sa.Float)  # Unix time, seconds


class RateLimitHit(db.Model):
    """One counted request under a key, forgotten once `expires_at` (Unix time) passes."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (sa.Index("ix_rate_limit_hit_key_expires", "key", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[float] = mapped_column(sa.Float)
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)
