"""Retention by default: personal data is erased once the drive no longer needs it.

Two windows (fundraiser/config.py): RETENTION_DAYS_AFTER_DEADLINE after a
campaign's deadline every donation and pledge of that campaign is cleared, and
anything older than RETENTION_MAX_AGE_DAYS is cleared whatever the deadline.
Names, emails, messages, the hashed client keys and pledge addresses go (by
privacy.py's own erasers); amounts, currencies, dates, states, Stripe ids and the
webhook ledger stay, so the totals and reconcile are unchanged. `apply` is safe to
run any number of times: rows already cleared are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import Campaign, Donation, Erasure, OutboxMessage, Pledge
from ...models.types import utcnow
from . import privacy

# Erasure rows written by retention carry this instead of a hashed address.
RETENTION_SUBJECT = "retention"


@dataclass(frozen=True, slots=True)
class Window:
    """What is past retention at `now`: rows created before `oldest`, and every
    row of the campaigns in `closed` (their deadline plus the grace has passed)."""

    now: datetime
    oldest: datetime
    closed: tuple[int, ...]
    days_after_deadline: int
    max_age_days: int


def window(now: datetime | None = None) -> Window:
    """The retention window at `now` (default: the current time), from the settings."""
    now = now or utcnow()
    after = int(current_app.config["RETENTION_DAYS_AFTER_DEADLINE"])
    max_age = int(current_app.config["RETENTION_MAX_AGE_DAYS"])
    closed = db.session.scalars(
        sa.select(Campaign.id).where(
            Campaign.deadline.is_not(None), Campaign.deadline < now - timedelta(days=after)
        )
    ).all()
    return Window(now, now - timedelta(days=max_age), tuple(sorted(closed)), after, max_age)


def _donations_past(w: Window) -> sa.ColumnElement[bool]:
    return sa.or_(Donation.created_at < w.oldest, Donation.campaign_id.in_(w.closed))


def _pledges_past(w: Window) -> sa.ColumnElement[bool]:
    return sa.or_(Pledge.created_at < w.oldest, Pledge.campaign_id.in_(w.closed))


def _outbox_past(w: Window) -> sa.ColumnElement[bool]:
    """Mail older than the maximum, and mail to anyone whose donation or pledge is
    past the window (the outbox has no campaign; its address is what ties it)."""
    donors = sa.select(sa.func.lower(Donation.email)).where(
        _donations_past(w), Donation.email.is_not(None)
    )
    pledgers = sa.select(sa.func.lower(Pledge.email)).where(
        _pledges_past(w), privacy.PLEDGE_HOLDS_PERSONAL
    )
    return sa.or_(
        OutboxMessage.created_at < w.oldest,
        sa.func.lower(OutboxMessage.to_address).in_(donors.union(pledgers)),
    )


def apply(now: datetime | None = None) -> dict[str, int]:
    """Erase every personal field past the retention window, in one transaction.

    Returns rows cleared by kind. When something was cleared, an Erasure row
    (subject "retention") logs the counts; a run that clears nothing writes
    nothing, so repeating it changes nothing. Moves no money.
    """
    w = window(now)
    # The outbox first: it finds its rows by the addresses the others still hold.
    counts = {
        "outbox": privacy.clear_outbox(_outbox_past(w), "erased: past retention"),
        "donations": privacy.clear_donations(_donations_past(w)),
        "pledges": privacy.clear_pledges(_pledges_past(w)),
    }
    if any(counts.values()):
        db.session.add(Erasure(subject_hash=RETENTION_SUBJECT, counts=counts))
    db.session.commit()
    return counts


@dataclass(frozen=True, slots=True)
class Due:
    """For the dashboard: what is due for erasure now, and when the next comes."""

    due_now: dict[str, int]
    next_at: datetime | None  # when the oldest row still holding personal data falls due
    after_deadline_at: datetime | None  # the campaign's deadline plus the grace
    days_after_deadline: int
    max_age_days: int


def due(campaign: Campaign, now: datetime | None = None) -> Due:
    """Count rows past the window that still hold personal data, and say when the
    next fall due (by age, or by `campaign`'s deadline). Reads only."""
    w = window(now)

    def count(model: type[db.Model], where: sa.ColumnElement[bool]) -> int:
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(where)))

    due_now = {
        "donations": count(Donation, sa.and_(_donations_past(w), privacy.DONATION_HOLDS_PERSONAL)),
        "pledges": count(Pledge, sa.and_(_pledges_past(w), privacy.PLEDGE_HOLDS_PERSONAL)),
        "outbox": count(OutboxMessage, sa.and_(_outbox_past(w), privacy.OUTBOX_HOLDS_PERSONAL)),
    }
    oldest = [
        db.session.scalar(
            sa.select(sa.func.min(Donation.created_at)).where(privacy.DONATION_HOLDS_PERSONAL)
        ),
        db.session.scalar(
            sa.select(sa.func.min(Pledge.created_at)).where(privacy.PLEDGE_HOLDS_PERSONAL)
        ),
        db.session.scalar(
            sa.select(sa.func.min(OutboxMessage.created_at)).where(privacy.OUTBOX_HOLDS_PERSONAL)
        ),
    ]
    held = [t for t in oldest if t is not None]
    next_at = min(held) + timedelta(days=w.max_age_days) if held else None
    after = campaign.deadline + timedelta(days=w.days_after_deadline) if campaign.deadline else None
    return Due(due_now, next_at, after, w.days_after_deadline, w.max_age_days)
