"""Money the organisers sent on to the beneficiary, recorded by hand."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .media import StoredFile
from .types import UTCDateTime, utcnow


class BeneficiaryTransfer(db.Model):
    """One transfer to the beneficiary. Moves no total: `raised` is what came in.

    Written through `services.transparency`, with an audit entry in the same
    transaction; shown on the campaign page and /transparency.
    """

    __tablename__ = "beneficiary_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    sent_on: Mapped[date] = mapped_column(sa.Date)
    reference: Mapped[str] = mapped_column(sa.String(120), default="")
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organiser.id"))
    # The bank's confirmation (an image, stripped, or a PDF), public on /transparency.
    receipt_file_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stored_file.id", name="fk_beneficiary_transfer_receipt_file_id_stored_file")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    receipt_file: Mapped[StoredFile | None] = relationship()
