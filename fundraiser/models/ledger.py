"""The webhook ledger: each Stripe event id, stored once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class StripeEvent(db.Model):
    """A Stripe event that has been processed.

    The primary key is Stripe's event id, so a second delivery of the same event
    cannot be recorded, and it is inserted in the same transaction as the event's
    effect: either both are stored or neither is.
    """

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    stripe_created: Mapped[int] = mapped_column(sa.BigInteger)
    outcome: Mapped[str] = mapped_column(sa.String(300), default="")
    source: Mapped[str] = mapped_column(sa.String(20), default="webhook")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
