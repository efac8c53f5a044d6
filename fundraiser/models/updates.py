"""Updates the organisers post about the drive."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .media import StoredFile
from .types import UTCDateTime, utcnow


class CampaignUpdate(db.Model):
    """A short update, in English (`text`) and/or Russian (`text_ru`), with an
    optional picture and its description (`image_alt`, `image_alt_ru`).

    Written through `services.updates`, which queues one email per supporter
    who asked for them in the same transaction; `emails_queued` says how many.
    """

    __tablename__ = "campaign_update"
    __table_args__ = (sa.Index("ix_campaign_update_campaign_posted", "campaign_id", "posted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    text_ru: Mapped[str] = mapped_column(sa.Text, default="")
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    image_alt: Mapped[str] = mapped_column(sa.String(300), default="")
    image_alt_ru: Mapped[str] = mapped_column(sa.String(300), default="")
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    emails_queued: Mapped[int] = mapped_column(sa.Integer, default=0)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    image: Mapped[StoredFile | None] = relationship()
