"""The email outbox and the addresses mail must no longer go to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """An outbox message's states (see `OutboxMessage`); moved by `mail.sender`."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class SuppressionReason(StrEnum):
    """Why an address gets no more mail (see `EmailSuppression`)."""

    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"


class OutboxMessage(db.Model):
    """One email, written in the same transaction as what caused it.

    `idempotency_key` is unique, so the same cause can queue a message only once.
    `status` moves queued -> sending -> sent | failed | suppressed (and back to
    queued after a temporary failure); a sender claims a row by a compare-and-set
    UPDATE that writes its own `claim_token` and a lease (`claimed_until`), so two
    senders never both send it.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # Extra headers, e.g. List-Unsubscribe.
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    status: Mapped[str] = mapped_column(sa.String(20), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailSuppression(db.Model):
    """An address that gets no more mail of some kind.

    reason "bounced" (a permanent SMTP refusal): no mail at all;
    reason "unsubscribed": no more reminders (receipts still go).
    `address` is stored lower-cased.
    """

    __tablename__ = "email_suppression"
    __table_args__ = (sa.UniqueConstraint("address", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254), index=True)
    reason: Mapped[str] = mapped_column(sa.String(20))
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
