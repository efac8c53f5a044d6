"""The erasure log: that personal data was erased, without saying whose."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Erasure(db.Model):
    """One run of `fundraiser erase-donor`.

    `subject_hash` is an HMAC of the normalised email under SECRET_KEY, so the
    operator can show a donor their request was carried out, while the table
    alone does not reveal (or let anyone confirm by guessing) who gave.
    `counts` says how many rows of each kind were cleared.
    """

    __tablename__ = "erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
