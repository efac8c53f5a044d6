"""The organisers' donations table: filters, search, pages, and rows for export.

`Filters` is meant to be shared by every organiser table (pledges reuse it
once they exist): status, source label, a UTC date range, and a search over
name and email.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ..extensions import db
from ..models import Campaign, Donation, DonationDeduction
from .stats import DIRECT

PER_PAGE = 50
STATUSES = ("succeeded", "pending", "failed", "created")


@dataclass(frozen=True, slots=True)
class Filters:
    status: str | None = None
    source: str | None = None  # stats.DIRECT means "no source link"
    date_from: date | None = None  # inclusive, UTC
    date_to: date | None = None  # inclusive, UTC
    q: str | None = None

    def as_args(self) -> dict[str, str]:
        """The query-string form, to carry filters into links (pages, CSV)."""
        args = {
            "status": self.status,
            "source": self.source,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
        }
        return {k: v for k, v in args.items() if v}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def select_donations(campaign: Campaign, filters: Filters) -> sa.Select[Any]:
    """Donations with their refunded/disputed figures, newest first, filtered."""
    query = (
        sa.select(
            Donation,
            sa.func.coalesce(DonationDeduction.refunded_minor, 0).label("refunded"),
            sa.func.coalesce(DonationDeduction.disputed_minor, 0).label("disputed"),
            sa.func.coalesce(DonationDeduction.deducted_minor, 0).label("deducted"),
        )
        .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
        .where(Donation.campaign_id == campaign.id)
    )
    if filters.status:
        query = query.where(Donation.status == filters.status)
    if filters.source == DIRECT:
        query = query.where(Donation.source.is_(None))
    elif filters.source:
        query = query.where(Donation.source == filters.source)
    if filters.date_from:
        query = query.where(Donation.created_at >= _day_start(filters.date_from))
    if filters.date_to:
        query = query.where(Donation.created_at < _day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        pattern = _like(filters.q)
        query = query.where(
            sa.or_(
                sa.func.lower(Donation.display_name).like(pattern, escape="\\"),
                sa.func.lower(Donation.email).like(pattern, escape="\\"),
            )
        )
    return query.order_by(Donation.created_at.desc(), Donation.id.desc())


def page(campaign: Campaign, filters: Filters, number: int) -> Pagination:
    """One page of the table (rows are (Donation, refunded, disputed, deducted))."""
    return db.paginate(
        select_donations(campaign, filters), page=number, per_page=PER_PAGE, error_out=False
    )


def rows(campaign: Campaign, filters: Filters) -> Iterator[Any]:
    """Every matching row, fetched in batches, for a streamed export."""
    result = db.session.execute(
        select_donations(campaign, filters).execution_options(yield_per=500)
    )
    yield from result


def sources(campaign: Campaign) -> list[str]:
    """The source labels seen on this campaign's donations, for the filter."""
    labels = db.session.scalars(
        sa.select(Donation.source)
        .where(Donation.campaign_id == campaign.id, Donation.source.is_not(None))
        .distinct()
        .order_by(Donation.source)
    )
    return [DIRECT, *labels]
