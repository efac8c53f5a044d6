"""Money given outside Stripe: a bucket collection, a bank transfer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OfflineMethod(StrEnum):
    """How money given outside Stripe came in."""

    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


class OfflineGift(db.Model):
    """Money an organiser recorded by hand. Counts in `raised` until removed.

    Changes go through `services.offline`, which moves the campaign's totals
    by the difference in the same transaction and writes the audit log.
    """

    __tablename__ = "offline_gift"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    received_on: Mapped[date] = mapped_column(sa.Date)
    method: Mapped[str] = mapped_column(sa.String(20))  # an OfflineMethod
    source: Mapped[str | None] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    # Set when this is a matcher paying what their match promised (services/matching).
    match_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("gift_match.id", name="fk_offline_gift_match_id_gift_match"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str | None] = mapped_column(sa.String(300))
