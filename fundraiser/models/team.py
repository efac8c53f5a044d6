"""Teams: local groups rallying their own people toward the campaign's target."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .campaign import Campaign
from .types import UTCDateTime, utcnow


class Team(db.Model):
    """A local group within a campaign, with its own page at /t/<slug>.

    `raised_minor` and `donations_count` are derived totals, moved in the same
    transaction as each donation made through the team's page (see
    `fundraiser.services.teams.teams`), like the campaign's. `target_minor` is the
    team's own goal, or None when it only adds to the shared one.
    """

    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "slug", name="uq_team_campaign_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (campaign_id, slug) constraint also indexes lookups by campaign.
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    slug: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(100))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    # The name and note in Russian ("" until written; organiser_text.pick falls back).
    name_ru: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    note_ru: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    target_minor: Mapped[int | None] = mapped_column(sa.BigInteger)

    raised_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    donations_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    totals_version: Mapped[int] = mapped_column(sa.Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
