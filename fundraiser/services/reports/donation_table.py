"""The organisers' donations table: filters, search, pages, and rows for export.

`Filters` is shared by the organisers' tables (services/reports/pledge_table.py
reuses it, with `paginate`, `day_start` and `like_pattern`): status, source label, a
UTC date range, and a search over name and email. Every donation query is limited
by a `Scope` (services/organisers/scope.py): a team organiser's table and export hold their
team's donations only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import Donation, DonationDeduction, DonationStatus, Team
from ..organisers.scope import Scope
from .stats import DIRECT

PER_PAGE = 50
STATUSES = (
    DonationStatus.SUCCEEDED,
    DonationStatus.PENDING,
    DonationStatus.FAILED,
    DonationStatus.CREATED,
)


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


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def select_donations(scope: Scope, filters: Filters) -> sa.Select[Any]:
    """The scope's donations with their refunded/disputed figures and team, newest first."""
    query = (
        sa.select(
            Donation,
            sa.func.coalesce(DonationDeduction.refunded_minor, 0).label("refunded"),
            sa.func.coalesce(DonationDeduction.disputed_minor, 0).label("disputed"),
            sa.func.coalesce(DonationDeduction.deducted_minor, 0).label("deducted"),
            Team.slug.label("team"),
        )
        .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
        .outerjoin(Team, Team.id == Donation.team_id)
        .where(*scope.donations())
    )
    if filters.status:
        query = query.where(Donation.status == filters.status)
    if filters.source == DIRECT:
        query = query.where(Donation.source.is_(None))
    elif filters.source:
        query = query.where(Donation.source == filters.source)
    if filters.date_from:
        query = query.where(Donation.created_at >= day_start(filters.date_from))
    if filters.date_to:
        query = query.where(Donation.created_at < day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        pattern = like_pattern(filters.q)
        query = query.where(
            sa.or_(
                sa.func.lower(Donation.display_name).like(pattern, escape="\\"),
                sa.func.lower(Donation.email).like(pattern, escape="\\"),
            )
        )
    return query.order_by(Donation.created_at.desc(), Donation.id.desc())


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows, with what a pager needs (the names Flask-SQLAlchemy uses)."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query: sa.Select[Any], number: int, per_page: int = PER_PAGE) -> Page:
    """Page `number` of an ordered select's rows, with the total count (any table)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = list(db.session.execute(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, page=number, per_page=per_page, total=int(total or 0))


def page(scope: Scope, filters: Filters, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of the table; rows are (Donation, refunded, disputed, deducted, team)."""
    return paginate(select_donations(scope, filters), number, per_page)


def rows(scope: Scope, filters: Filters) -> Iterator[Any]:
    """Every matching row, fetched in batches, for a streamed export.

    A Scope holds ids, not rows: a streamed response runs after the view's
    session has closed.
    """
    result = db.session.execute(select_donations(scope, filters).execution_options(yield_per=500))
    yield from result


def sources(scope: Scope) -> list[str]:
    """The source labels seen on the scope's donations, for the filter."""
    labels = db.session.scalars(
        sa.select(Donation.source)
        .where(*scope.donations(), Donation.source.is_not(None))
        .distinct()
        .order_by(Donation.source)
    )
    return [DIRECT, *labels]
