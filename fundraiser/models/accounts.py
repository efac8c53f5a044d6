"""What makes an organiser account trustworthy beyond its password.

Kept apart from models/organiser.py so the organiser row itself stays small:
emailed links (invitations and password resets), TOTP second factors and
their recovery codes each have their own table keyed to the organiser.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class LinkPurpose(StrEnum):
    """What an emailed account link does when it is opened."""

    INVITE = "invite"
    RESET = "reset"


class AccountLink(db.Model):
    """One emailed invitation or password-reset link, usable once, until it expires.

    Only a SHA-256 of the link's random part is stored (`token_hash`): someone
    who reads the database cannot open the links. `used_at` is set by a
    compare-and-set UPDATE, so two clicks at once cannot both use it; a newer
    link for the same address or account sets it on older ones (superseded).
    For an invitation `email` and `team_id` say what account to create; for a
    reset `organiser_id` names the account.
    """

    __tablename__ = "account_link"
    __table_args__ = (sa.Index("ix_account_link_purpose_email", "purpose", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(10))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    organiser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", name="fk_account_link_organiser_id_organiser"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("team.id", name="fk_account_link_team_id_team")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", name="fk_account_link_created_by_id_organiser")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TwoFactor(db.Model):
    """An organiser's TOTP authenticator (RFC 6238, through pyotp).

    `confirmed_at` is None while enrolment waits for a first correct code;
    only a confirmed row is asked for at login. `last_step` is the last
    30-second step whose code was accepted: a code is never accepted twice.
    `failures` counts wrong codes since `failures_since`, to slow guessing.
    """

    __tablename__ = "organiser_two_factor"

    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", name="fk_organiser_two_factor_organiser_id_organiser"),
        primary_key=True,
    )
    secret: Mapped[str] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    failures: Mapped[int] = mapped_column(sa.Integer, default=0)
    failures_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator once.

    Only a SHA-256 of the code is kept (codes carry 80 random bits, so a hash
    cannot be reversed by guessing); `used_at` is set by compare-and-set.
    """

    __tablename__ = "organiser_recovery_code"
    __table_args__ = (sa.UniqueConstraint("organiser_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", name="fk_organiser_recovery_code_organiser_id_organiser"),
        index=True,
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
