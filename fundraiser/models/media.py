"""Files organisers upload (pictures, bank confirmations) and the campaign's cover."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class StoredFile(db.Model):
    """One file as the app serves it: already re-encoded and stripped of metadata.

    Kept in the database (not on disk) so a volunteer's deploy has one thing to
    back up and move. Named in URLs by `sha256`, the hash of `data`: the same
    name always means the same bytes, so it may be cached for ever.
    """

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    byte_size: Mapped[int] = mapped_column(sa.Integer)
    # Pixels, for <img width height> (no layout shift); None for a PDF.
    width: Mapped[int | None] = mapped_column(sa.Integer)
    height: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignCover(db.Model):
    """The campaign's cover picture: the page's copy, the share card's crop, and its
    description for people who cannot see it (`alt` English, `alt_ru` Russian)."""

    __tablename__ = "campaign_cover"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    image_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"))
    alt: Mapped[str] = mapped_column(sa.String(300), default="")
    alt_ru: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    image: Mapped[StoredFile] = relationship(foreign_keys=[image_id])
    card: Mapped[StoredFile] = relationship(foreign_keys=[card_id])
