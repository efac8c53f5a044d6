"""The dashboard's overview: the public progress figures plus what only organisers see.

`raised`, `target`, `donations` and `pledged` come from the same
`campaigns.progress` that /api/progress serves, so the two always agree.
The rest are sums over donations, refunds and offline entries (read on the
dashboard only, never on the public hot path). Given a team's `Scope`, every
figure is the team's: its own totals and target, its donations only, no
offline money.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import (
    Campaign,
    Donation,
    DonationDeduction,
    DonationStatus,
    OfflineGift,
    Pledge,
    PledgeStatus,
)
from ...models.types import utcnow
from ..campaigns.campaigns import Progress, progress
from ..organisers.scope import Scope
from ..teams import teams

DIRECT = "direct"  # the label for donations that came through no source link


@dataclass(frozen=True, slots=True)
class Split:
    label: str
    count: int
    amount: int


@dataclass(slots=True)
class Overview:
    progress: Progress
    days_left: int | None
    gross_online: int
    refunded: int
    disputed: int
    deducted: int
    offline: int
    by_tier: list[Split] = field(default_factory=list)
    by_source: list[Split] = field(default_factory=list)
    daily: dict[str, Any] = field(default_factory=dict)
    # (fulfilled, due); None (no pledges at all) hides the figure. See `pledge_conversion`.
    pledge_conversion: tuple[int, int] | None = None

    @property
    def average_gift(self) -> int | None:
        """Online gifts' average in minor units (rounded half up), before refunds."""
        count = self.progress.donations
        return (2 * self.gross_online + count) // (2 * count) if count else None

    def chart_data(self) -> dict[str, Any]:
        """What static/js/dashboard.js draws, as plain JSON (minor units)."""
        return {
            "currency": self.progress.currency,
            "daily": self.daily,
            "tiers": [
                {"label": s.label, "count": s.count, "amount": s.amount} for s in self.by_tier
            ],
            "sources": [
                {"label": s.label, "count": s.count, "amount": s.amount} for s in self.by_source
            ],
        }

    @property
    def books_balance(self) -> bool:
        """Whether gifts − refunds/disputes + offline equals the stored total."""
        return self.gross_online - self.deducted + self.offline == self.progress.raised


def days_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole days until the deadline, counting a part day as one; 0 once passed."""
    if deadline is None:
        return None
    return max(0, math.ceil((deadline - now) / timedelta(days=1)))


def _utc_day(column: Any) -> Any:
    """The UTC calendar day of a timestamp column, as SQL, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date(sa.func.timezone("UTC", column))
    return sa.func.date(column)  # SQLite keeps naive UTC


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def overview(
    campaign: Campaign, now: datetime | None = None, *, scope: Scope | None = None
) -> Overview:
    """Every figure of the overview page, read now, within `scope` (default: all)."""
    now = now or utcnow()
    scope = scope or Scope(campaign.id)
    team = scope.team()
    succeeded = (*scope.donations(), Donation.status == DonationStatus.SUCCEEDED)
    gross = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Donation.amount_minor), 0)).where(*succeeded)
    )
    money_out = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(DonationDeduction.refunded_minor), 0),
            sa.func.coalesce(sa.func.sum(DonationDeduction.disputed_minor), 0),
            sa.func.coalesce(sa.func.sum(DonationDeduction.deducted_minor), 0),
        )
        .join(Donation, Donation.id == DonationDeduction.donation_id)
        .where(*scope.donations())
    ).one()
    active_offline = (*scope.offline(), OfflineGift.removed_at.is_(None))
    offline = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(OfflineGift.amount_minor), 0)).where(*active_offline)
    )
    result = Overview(
        progress=teams.progress(team) if team else progress(campaign),
        days_left=days_left(campaign.deadline, now),
        gross_online=int(gross),
        refunded=int(money_out[0]),
        disputed=int(money_out[1]),
        deducted=int(money_out[2]),
        offline=int(offline),
    )
    # Pledges belong to the campaign, not to a team: a team's view shows none.
    result.pledge_conversion = None if team else pledge_conversion(campaign, now.date())
    result.by_tier = _by_tier(campaign, succeeded)
    result.by_source = _by_source(succeeded, active_offline)
    result.daily = _daily(
        campaign, succeeded, active_offline, now, scope=scope, target=result.progress.target
    )
    return result


def pledge_conversion(campaign: Campaign, today: date) -> tuple[int, int] | None:
    """(fulfilled, due) pledges; None when the campaign has none at all.

    Due: not cancelled, and the payday (a UTC date) has come. A pledge paid
    before its payday counts as due too, so fulfilled never exceeds due.
    """
    is_fulfilled = Pledge.status == PledgeStatus.FULFILLED
    due = sa.and_(
        Pledge.status != PledgeStatus.CANCELLED, sa.or_(Pledge.payday <= today, is_fulfilled)
    )
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((due, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((is_fulfilled, 1), else_=0)), 0),
        ).where(Pledge.campaign_id == campaign.id)
    ).one()
    return (int(row[2]), int(row[1])) if row[0] else None


def _by_tier(campaign: Campaign, succeeded: tuple[Any, ...]) -> list[Split]:
    rows = db.session.execute(
        sa.select(Donation.amount_minor, sa.func.count(), sa.func.sum(Donation.amount_minor))
        .where(*succeeded)
        .group_by(Donation.amount_minor)
    ).all()
    labels = {int(t["amount"]): str(t["label"]) for t in campaign.tiers}
    counts: dict[str, list[int]] = {label: [0, 0] for label in labels.values()}
    counts["another amount"] = [0, 0]
    for amount, count, total in rows:
        slot = counts[labels.get(int(amount), "another amount")]
        slot[0] += int(count)
        slot[1] += int(total)
    return [Split(label, c, a) for label, (c, a) in counts.items()]


def _by_source(succeeded: tuple[Any, ...], active_offline: tuple[Any, ...]) -> list[Split]:
    online = db.session.execute(
        sa.select(Donation.source, sa.func.count(), sa.func.sum(Donation.amount_minor))
        .where(*succeeded)
        .group_by(Donation.source)
    ).all()
    offline = db.session.execute(
        sa.select(OfflineGift.source, sa.func.count(), sa.func.sum(OfflineGift.amount_minor))
        .where(*active_offline)
        .group_by(OfflineGift.source)
    ).all()
    splits = [Split(src or DIRECT, int(n), int(total)) for src, n, total in online]
    splits += [Split(f"offline: {src or 'unlabelled'}", int(n), int(t)) for src, n, t in offline]
    return sorted(splits, key=lambda s: (-s.amount, s.label))


def _daily(
    campaign: Campaign,
    succeeded: tuple[Any, ...],
    active_offline: tuple[Any, ...],
    now: datetime,
    *,
    scope: Scope,
    target: int,
) -> dict[str, Any]:
    """Money per UTC day (online, offline, refunds and disputes) and the running total.

    Each donation's current deduction is dated by its last change, so the
    cumulative series ends exactly at `raised`.
    """
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    day = _utc_day(Donation.succeeded_at)
    for value, total in db.session.execute(
        sa.select(day, sa.func.sum(Donation.amount_minor)).where(*succeeded).group_by(day)
    ):
        per_day[_as_day(value)][0] += int(total)
    for value, total in db.session.execute(
        sa.select(OfflineGift.received_on, sa.func.sum(OfflineGift.amount_minor))
        .where(*active_offline)
        .group_by(OfflineGift.received_on)
    ):
        per_day[_as_day(value)][1] += int(total)
    out_day = _utc_day(DonationDeduction.updated_at)
    for value, total in db.session.execute(
        sa.select(out_day, sa.func.sum(DonationDeduction.deducted_minor))
        .join(Donation, Donation.id == DonationDeduction.donation_id)
        .where(*scope.donations(), DonationDeduction.deducted_minor != 0)
        .group_by(out_day)
    ):
        per_day[_as_day(value)][2] += int(total)
    start = min([campaign.created_at.date(), *per_day.keys()])
    last_money = max([now.date(), *per_day.keys()])
    # The axis runs on to the deadline (at most ~4 months ahead) so the target
    # line shows the runway left; the running total stops at today.
    end = last_money
    if campaign.deadline is not None:
        end = max(end, min(campaign.deadline.date(), last_money + timedelta(days=120)))
    days, online, offline, out = [], [], [], []
    cumulative: list[int | None] = []
    running = 0
    current = start
    while current <= end:
        a, b, c = per_day.get(current, (0, 0, 0))
        running += a + b - c
        days.append(current.isoformat())
        online.append(a)
        offline.append(b)
        out.append(-c)
        cumulative.append(running if current <= last_money else None)
        current += timedelta(days=1)
    return {
        "currency": campaign.currency,
        "target": target,
        "days": days,
        "online": online,
        "offline": offline,
        "refunds": out,
        "cumulative": cumulative,
    }
