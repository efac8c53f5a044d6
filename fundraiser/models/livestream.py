"""The livestream's alert feed: one row per webhook-counted gift, in the order counted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OverlayAlert(db.Model):
    """A gift for the alerts overlay, written in the transaction that counted it.

    `id` only grows (the overlay asks for alerts after the last id it saw);
    one row per donation at most (`donation_id` unique), so a replayed
    success can't alert twice. Refunds and disputes never write here.
    """

    __tablename__ = "overlay_alert"
    # SQLite: never reuse an id, even the highest one's.
    __table_args__: ClassVar[dict[str, Any]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
