"""The campaign (the drive) and its running totals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Campaign(db.Model):
    """One fundraising drive.

    `raised_minor`, `donations_count` and `pledged_minor` are derived totals kept
    current in the same transaction as each change they count, so reading the
    total is one row whatever the number of donations. `totals_version` moves on
    every change and makes a cheap ETag.
    """

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    story: Mapped[str] = mapped_column(sa.Text, default="")
    # The same in Russian ("" until written: the page shows the English, marked;
    # fundraiser/i18n/organiser_text.py). Tiers carry `label_ru` likewise.
    title_ru: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    story_ru: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    currency: Mapped[str] = mapped_column(sa.String(3), default="gbp")
    target_minor: Mapped[int] = mapped_column(sa.BigInteger)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [{"amount": 400, "label": "a pint", "label_ru": "пинта"}, ...] in minor units
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    min_amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=100)
    max_amount_minor: Mapped[int] = mapped_column(sa.BigInteger, default=1_000_000)
    # The organiser's wording of the warning before the card form (None: the
    # default in services/campaigns/risk_warning.py).
    risk_warning_en: Mapped[str | None] = mapped_column(sa.Text)
    risk_warning_ru: Mapped[str | None] = mapped_column(sa.Text)

    # The organiser's word list: a name or message containing one is held back.
    moderation_words: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Whether the supporters' wall (and /api/supporters) shows each gift's amount.
    wall_shows_amounts: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    # The secret in the livestream overlays' URLs (services/livestream/overlays.py);
    # None until an organiser makes one.
    overlay_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # What one evacuation costs, for "enough for 2 people" (None: not shown).
    cost_per_person_minor: Mapped[int | None] = mapped_column(sa.BigInteger)

    raised_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    donations_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    pledged_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    totals_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Promised by matchers and not yet received: derived, set only by
    # services.matching.matching.recompute (never part of `raised_minor`).
    matched_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    # Who runs the drive and who receives the money (shown on the page so a
    # stranger can check both); empty strings mean "not given".
    organiser_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    organiser_contact: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    beneficiary_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    beneficiary_about: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    beneficiary_url: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    beneficiary_registration: Mapped[str] = mapped_column(
        sa.String(64), default="", server_default=""
    )
    endorsement: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def is_open(self, now: datetime) -> bool:
        return self.deadline is None or now < self.deadline
