"""The webhook ledger: each Stripe event id, stored once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class OutcomeCode(StrEnum):
    """What processing a Stripe event did, for code to branch on (the detail is for people)."""

    COUNTED = "counted"  # a payment's success counted in the totals
    MARKED_FAILED = "marked_failed"  # a donation marked failed
    RECORDED = "recorded"  # a refund, dispute or charge applied (raised may have moved)
    ALREADY = "already"  # the donation was already in a final or later state
    STALE = "stale"  # Stripe says the intent has moved on: the event is out of date
    NO_MATCH = "no_match"  # no donation of ours matches the object
    MISMATCH = "mismatch"  # the object's amount or currency is not the donation's
    MALFORMED = "malformed"  # the object lacks what the handler needs
    WRONG_MODE = "wrong_mode"  # a live event on test keys, or the other way round
    DUPLICATE = "duplicate"  # the ledger already holds the event id
    IGNORED = "ignored"  # a type no handler acts on (not stored)


@dataclass(frozen=True, slots=True)
class Outcome:
    """An event's outcome: a code to compare, and a free-text detail to read.

    Rewording `detail` never changes what code does; only `code` is compared.
    """

    code: OutcomeCode
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.detail:
            object.__setattr__(self, "detail", str(self.code))

    def prefixed(self, words: str) -> Outcome:
        """The same code, with `words` before the detail (e.g. "Stripe says succeeded: ")."""
        return Outcome(self.code, words + self.detail)

    def suffixed(self, words: str) -> Outcome:
        """The same code, with `words` after the detail (e.g. "; raised -500")."""
        return Outcome(self.code, self.detail + words)


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
    # An OutcomeCode, for code; the detail is for people.
    outcome_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    outcome_detail: Mapped[str] = mapped_column(sa.String(300), default="")
    source: Mapped[str] = mapped_column(sa.String(20), default="webhook")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
