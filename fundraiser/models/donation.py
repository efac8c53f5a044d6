"""Donations and the log of their state transitions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .campaign import Campaign
from .team import Team
from .types import UTCDateTime, new_public_id, utcnow


class DonationStatus(StrEnum):
    """A donation's states: created -> pending -> succeeded | failed, failed -> succeeded.

    Moved only by `fundraiser.services.donations.transition` (the allowed
    sources are there). Stripe's own PaymentIntent states are a different
    vocabulary: see `fundraiser.payments.vocabulary`.
    """

    CREATED = "created"
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ModerationState(StrEnum):
    """Where a gift's public name and message stand: pending | held -> approved | hidden.

    NULL on a gift with nothing public (no shown name, no message): there is
    nothing to moderate. `held` is pending plus a word-list match, so the
    organiser sees why. Moved only by `fundraiser.services.moderation`.
    """

    PENDING = "pending"
    HELD = "held"
    APPROVED = "approved"
    HIDDEN = "hidden"


class Donation(db.Model):
    """One attempt to give, from the form to Stripe's final word.

    `status` changes only through `fundraiser.services.donations.donations`; see the state
    machine there. The donor's name is shown publicly only if `name_public`.
    """

    __tablename__ = "donation"
    __table_args__ = (
        sa.Index("ix_donation_campaign_status_created", "campaign_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default=DonationStatus.CREATED, index=True)

    display_name: Mapped[str | None] = mapped_column(sa.String(80))
    name_public: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    message: Mapped[str | None] = mapped_column(sa.Text)
    # ModerationState of the public name and message; None when neither exists.
    moderation: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    source: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # The team whose page the gift came through, if any (counts for team and campaign).
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("team.id", name="fk_donation_team_id_team"), index=True
    )
    # What the donor added so the card fees don't come out of the gift; the
    # charge is amount_minor + fee_cover_minor, the totals count amount_minor.
    fee_cover_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # The pledge this donation pays, if it came from a payday link.
    pledge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledge.id"), index=True)
    # The match running when the donor pressed Give (services/matching), if any.
    match_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("gift_match.id", name="fk_donation_match_id_gift_match"), index=True
    )

    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    failure_message: Mapped[str | None] = mapped_column(sa.String(300))
    # When the donor ticked "email me updates about this drive" (marketing consent,
    # apart from receipts); None: not asked for, unsubscribed, or erased.
    updates_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the donor's page was in ("en", "ru"): their receipt's language.
    locale: Mapped[str | None] = mapped_column(sa.String(16))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Keyed hashes (security/client_keys.py) of who started it, for the decline
    # cool-down; cleared by erase-donor and once they are old (see services/donations/privacy.py).
    client_address_hash: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    client_session_hash: Mapped[str | None] = mapped_column(sa.String(32), index=True)

    campaign: Mapped[Campaign] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def charge_minor(self) -> int:
        """What the card is charged: the gift plus any fee cover."""
        return self.amount_minor + (self.fee_cover_minor or 0)

    @property
    def public_name(self) -> str | None:
        """The name to show in public, or None for anonymous."""
        return self.display_name if self.name_public and self.display_name else None


class DonationTransition(db.Model):
    """Every state change of a donation, with what caused it."""

    __tablename__ = "donation_transition"
    # The card-testing cool-down counts recent declines (donation_intake.recent_declines):
    # read from the few recent failures, not from every donation behind one address
    # (a Tor exit, a venue's Wi-Fi, the benchmark's one client).
    __table_args__ = (sa.Index("ix_donation_transition_status_created", "to_status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donation.id"), index=True)
    from_status: Mapped[str] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    stripe_event_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
