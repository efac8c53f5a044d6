"""Money that left after a donation counted: refunds, disputes, and their net effect."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class RefundStatus(StrEnum):
    """A refund's states: ours (`requested`, not yet at Stripe), then Stripe's.

    `fundraiser.payments.vocabulary.refund_status` maps Stripe's word to these.
    """

    REQUESTED = "requested"
    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


class RefundOrigin(StrEnum):
    """Where a refund was asked for."""

    DASHBOARD = "dashboard"
    STRIPE = "stripe"


class DisputeStatus(StrEnum):
    """A dispute's states, as Stripe moves them (inquiries are `warning_*`).

    Stored as Stripe names them; `fundraiser.payments.vocabulary.dispute_status`
    maps Stripe's word to these (a status Stripe adds later is kept as it comes).
    """

    WARNING_NEEDS_RESPONSE = "warning_needs_response"
    WARNING_UNDER_REVIEW = "warning_under_review"
    WARNING_CLOSED = "warning_closed"
    NEEDS_RESPONSE = "needs_response"
    UNDER_REVIEW = "under_review"
    LOST = "lost"
    APPEAL_NEEDS_RESPONSE = "appeal_needs_response"
    APPEAL_UNDER_REVIEW = "appeal_under_review"
    WON = "won"
    PREVENTED = "prevented"
    CHARGE_REFUNDED = "charge_refunded"


class Refund(db.Model):
    """One Stripe refund of a donation, counted once by its Stripe id.

    A refund asked for on the dashboard is stored first as `requested` with a
    `request_key` (unique, so a double submit cannot refund twice), then gets
    its Stripe id; a refund made in Stripe's dashboard arrives by webhook.
    """

    __tablename__ = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), index=True)
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20))  # a RefundStatus
    origin: Mapped[str] = mapped_column(sa.String(20))  # a RefundOrigin
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    failure_message: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Dispute(db.Model):
    """A chargeback (or inquiry) on a donation, by its Stripe id, with Stripe's status."""

    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), index=True)
    stripe_dispute_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(40))  # a DisputeStatus, or Stripe's newer word
    reason: Mapped[str] = mapped_column(sa.String(60), default="")
    # What left the balance and has not come back (services.refunds.refunds_and_disputes.dispute_withdrawn).
    withdrawn_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # Orders this dispute's versions: a delivery with less progress is older and ignored.
    progress: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DonationDeduction(db.Model):
    """What refunds and disputes currently take out of `raised` for one donation.

    `deducted_minor` is exactly what has been subtracted from the campaign's
    `raised_minor` for this donation; `services.refunds.refunds_and_disputes.apply_deductions`
    recomputes the other figures and moves `raised` by the difference, so any
    number of events, in any order, leave the same total.
    `charge_refunded_minor` is the charge's own `amount_refunded` from the
    newest `charge.refunded` event; only the part no refund known by id
    explains counts, for refunds whose own event never came.
    """

    __tablename__ = "donation_deduction"

    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), primary_key=True)
    refunded_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    disputed_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    deducted_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    charge_refunded_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    charge_refunded_at: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
