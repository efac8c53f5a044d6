"""Reading messages on air: which host holds, read, skipped or pinned each approved message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OnAirState(StrEnum):
    """Where an approved message stands with the hosts: claimed -> read | skipped | pinned,
    pinned -> read (unpinned). No row: nobody has taken it yet.

    Moved only by `fundraiser.services.moderation.on_air`, each move a compare-and-set.
    """

    CLAIMED = "claimed"
    PINNED = "pinned"
    READ = "read"
    SKIPPED = "skipped"


class OnAirMessage(db.Model):
    """One approved message a host took at /dashboard/read; at most one row per gift.

    The row's insert is the claim: `donation_id` is unique, so of two hosts
    taking the same message at once the database lets exactly one in. `desk`
    is the random id of the browser that holds a claim (two hosts sharing an
    account still get different messages); no personal data is kept here.
    """

    __tablename__ = "on_air_message"
    __table_args__ = (sa.Index("ix_on_air_message_campaign_state", "campaign_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), unique=True)
    state: Mapped[str] = mapped_column(sa.String(20), default=OnAirState.CLAIMED)
    desk: Mapped[str | None] = mapped_column(sa.String(32))
    # Who moved it last: the host who claimed, read, skipped, pinned or unpinned it.
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
