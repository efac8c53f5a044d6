"""Pledges ("give on payday") and organisers' tracked links (/give/<code>)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .campaign import Campaign
from .types import UTCDateTime, new_public_id, utcnow


class PledgeStatus(StrEnum):
    """A pledge's states; the moves allowed are in `fundraiser.services.pledges`."""

    PLEDGED = "pledged"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


class Pledge(db.Model):
    """A promise to give `amount_minor` on `payday`.

    States: pledged -> fulfilled | cancelled | lapsed, and lapsed -> fulfilled
    | cancelled; changed only through `fundraiser.services.pledges.pledges` by
    compare-and-set. While `pledged` the amount counts in
    `Campaign.pledged_minor`. The donation that pays it carries `pledge_id`.
    """

    __tablename__ = "pledge"
    __table_args__ = (sa.Index("ix_pledge_status_remind", "status", "remind_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    payday: Mapped[date] = mapped_column(sa.Date)
    # When the payday reminder becomes due (payday, in the morning, UTC).
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The language the pledge page was in ("en", "ru"): the language of its emails.
    locale: Mapped[str | None] = mapped_column(sa.String(16))

    status: Mapped[str] = mapped_column(sa.String(20), default=PledgeStatus.PLEDGED)
    reminders_sent: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()


class SourceLink(db.Model):
    """An organiser's shareable link `/give/<code>`: a preset amount and a source label.

    Every donation made through it records `label` as its `source`; `clicks`
    counts the visits.
    """

    __tablename__ = "source_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(64), index=True)
    amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    clicks: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
