"""Matched giving: a matcher's promise to double gifts made inside a window, up to a cap."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class GiftMatch(db.Model):
    """One match: gifts *created* in [starts_at, ends_at) are matched 1:1 up to `cap_minor`.

    A donation started inside the window carries `match_id` (set when the donor
    pressed Give, the moment the form told them "your £4 becomes £8"). The three
    figures below are derived, never moved by a delta:
    `services.matching.matching.recompute` sets them from the matched donations
    (net of their refunds and disputes) and the offline money recorded as the
    matcher's payment, so any order or number of webhook deliveries gives the
    same figures.
    """

    __tablename__ = "gift_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    # Empty: shown as "a supporter" (a matcher may not want to be named).
    matcher_name: Mapped[str] = mapped_column(sa.String(120), default="")
    cap_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Derived (recompute): what the matched gifts net to, what the matcher
    # promised (min(cap, gifts)), and what was recorded as received from them.
    gifts_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    promised_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    received_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def owed_minor(self) -> int:
        """Promised and not yet received (never below zero)."""
        return max(0, self.promised_minor - self.received_minor)
