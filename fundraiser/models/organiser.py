"""Organiser accounts, failed-login records and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .team import Team
from .types import UTCDateTime, utcnow


class Organiser(UserMixin, db.Model):
    """A volunteer who may see the dashboard. Created only from the command line.

    `session_version` is part of the id kept in the login cookie, so changing
    the password (which bumps it) ends every session signed in before.
    `team_id` limits the organiser to one team's view of the dashboard
    (fundraiser/services/organisers/scope.py); None means the whole campaign.
    """

    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("team.id", name="fk_organiser_team_id_team"), index=True
    )

    team: Mapped[Team | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active


class LoginFailure(db.Model):
    """One failed login, counted per account and per address to throttle guessing.

    `key` is a hash of the typed email or of the address, never the text itself:
    people sometimes type their password into the email box.
    """

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_scope_key_at", "scope", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(10))  # "account" | "address"
    key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    """Something an organiser (or the command line) did, with who and when.

    `detail` holds what changed, for people to read; never a password, token,
    card detail or Stripe secret.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
