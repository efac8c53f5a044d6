"""Milestones on the way to the target ("£4,500: one more person out")."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Milestone(db.Model):
    """An amount of `raised` and its label (English `label`, Russian `label_ru`).

    Reached while `raised` >= `amount_minor` (a refund can take it back below).
    Celebrated at most once: `celebrated_at` is set the first time a
    webhook-counted gift finds it reached, with that gift's overlay alert in
    `celebrated_alert_id` (the alerts overlay plays the celebration after the
    gift). A milestone already reached when it is added is marked celebrated
    with no alert, so nothing old is celebrated on the stream.
    """

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    label: Mapped[str] = mapped_column(sa.String(120), default="")
    label_ru: Mapped[str] = mapped_column(sa.String(120), default="")
    celebrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    celebrated_alert_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("overlay_alert.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "amount_minor", name="uq_milestone_campaign_amount"),
    )
