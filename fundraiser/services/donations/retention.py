"""Retention by default: personal data is erased once the drive no longer needs it.

Two windows (fundraiser/config.py): RETENTION_DAYS_AFTER_DEADLINE after a
campaign's deadline every donation and pledge of that campaign is cleared, and
anything older than RETENTION_MAX_AGE_DAYS is cleared whatever the deadline.
Names, emails, messages, the hashed client keys and pledge addresses go (by
privacy.py's own erasers); amounts, currencies, dates, states, Stripe ids and the
webhook ledger stay, so the totals and reconcile are unchanged. `apply` is safe to
run any number of times: rows already cleared are skipped.

Two more kinds follow the same windows:
- the suppression list: an address whose supporter is past the window keeps
  only its keyed hash (mail to it stays refused, `mail.outbox.is_suppressed`), and
  a suppression older than RETENTION_MAX_AGE_DAYS that no live row needs is deleted;
- organisers' free-text notes, which can name a giver ("cash from Ruslan"):
  offline money's note and removal reason, a refund's note, and the notes and
  reasons the audit log copied from them. Amounts, dates, actions and who acted stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...mail import outbox
from ...models import (
    AuditEntry,
    Campaign,
    Donation,
    EmailSuppression,
    Erasure,
    OfflineGift,
    OutboxMessage,
    Pledge,
    Refund,
)
from ...models.types import utcnow
from . import privacy

# Erasure rows written by retention carry this instead of a hashed address.
RETENTION_SUBJECT = "retention"
ERASED_PREFIX = "erased:"  # a suppression that holds only a keyed hash (mail.outbox.erased_form)


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
    return sa.or_(
        OutboxMessage.created_at < w.oldest,
        sa.func.lower(OutboxMessage.to_address).in_(_addresses(w, past=True)),
    )


def _addresses(w: Window, *, past: bool) -> sa.CompoundSelect:
    """The lower-cased addresses of every donation and pledge past the window (`past`),
    or of those not past it: whose suppressions still matter."""
    donations, pledges_ = _donations_past(w), _pledges_past(w)
    if not past:
        donations, pledges_ = sa.not_(donations), sa.not_(pledges_)
    donors = sa.select(sa.func.lower(Donation.email).label("a")).where(
        donations, Donation.email.is_not(None)
    )
    pledgers = sa.select(sa.func.lower(Pledge.email).label("a")).where(
        pledges_, privacy.PLEDGE_HOLDS_PERSONAL
    )
    return donors.union(pledgers)


@dataclass(frozen=True, slots=True)
class SuppressionPlan:
    """What retention does to the suppression list: rows to delete, rows to hash."""

    delete: tuple[EmailSuppression, ...]
    hash: tuple[EmailSuppression, ...]

    def __len__(self) -> int:
        return len(self.delete) + len(self.hash)


def _suppression_plan(w: Window) -> SuppressionPlan:
    """Older than the maximum age and needed by no live row (by address or its hash):
    delete. Otherwise, still a plain address but old or its supporter past: hash."""
    live = set(db.session.scalars(_addresses(w, past=False)))
    needed = live | {outbox.erased_form(a) for a in live}
    past = set(db.session.scalars(_addresses(w, past=True)))
    delete, hashed = [], []
    for row in db.session.scalars(sa.select(EmailSuppression).order_by(EmailSuppression.id)):
        plain = not row.address.startswith(ERASED_PREFIX)
        if row.created_at < w.oldest and row.address.lower() not in needed:
            delete.append(row)
        elif plain and (row.created_at < w.oldest or row.address.lower() in past):
            hashed.append(row)
    return SuppressionPlan(tuple(delete), tuple(hashed))


def clear_suppressions(w: Window) -> int:
    """Past the window a suppression keeps only its keyed hash (mail to it stays
    refused); past the maximum age, unless a live row still has that address, it
    is deleted. In the caller's transaction; returns rows changed."""
    plan = _suppression_plan(w)
    for row in plan.delete:
        db.session.delete(row)
    db.session.flush()
    for row in plan.hash:
        hashed = outbox.erased_form(row.address)
        twin = sa.select(EmailSuppression.id).where(
            EmailSuppression.address == hashed, EmailSuppression.reason == row.reason
        )
        if db.session.scalar(twin) is None:
            row.address, row.detail = hashed, "erased: past retention"
        else:  # the hash already stands for this objection
            db.session.delete(row)
        db.session.flush()
    return len(plan)


def _notes_cutoff(w: Window) -> datetime:
    """Audit rows made before this belong to a drive past the window (the app runs
    one drive at a time; the audit log names none): the latest closed deadline plus
    the grace, or the maximum age, whichever is later."""
    deadline = db.session.scalar(
        sa.select(sa.func.max(Campaign.deadline)).where(Campaign.id.in_(w.closed))
    )
    if deadline is None:
        return w.oldest
    return max(w.oldest, deadline + timedelta(days=w.days_after_deadline))


# The audit detail keys that copy an organiser's free text (offline money, refunds).
AUDIT_NOTE_KEYS = ("note", "reason")
OFFLINE_HOLDS_NOTE = sa.or_(
    OfflineGift.note != "", sa.func.coalesce(OfflineGift.removed_reason, "") != ""
)
REFUND_HOLDS_NOTE = Refund.note != ""


def _without_notes(detail: dict[str, object]) -> dict[str, object]:
    kept = {k: v for k, v in detail.items() if k not in AUDIT_NOTE_KEYS}
    for key in ("before", "after"):
        if isinstance(kept.get(key), dict):
            kept[key] = _without_notes(kept[key])  # type: ignore[arg-type]
    return kept


def _audit_with_notes(cutoff: datetime) -> list[AuditEntry]:
    rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.created_at < cutoff))
    return [row for row in rows if _without_notes(row.detail or {}) != (row.detail or {})]


def _offline_notes_past(w: Window) -> sa.ColumnElement[bool]:
    past = sa.or_(OfflineGift.created_at < w.oldest, OfflineGift.campaign_id.in_(w.closed))
    return sa.and_(past, OFFLINE_HOLDS_NOTE)


def _refund_notes_past(w: Window) -> sa.ColumnElement[bool]:
    closed_gifts = sa.select(Donation.id).where(Donation.campaign_id.in_(w.closed))
    past = sa.or_(Refund.created_at < w.oldest, Refund.donation_id.in_(closed_gifts))
    return sa.and_(past, REFUND_HOLDS_NOTE)


def clear_notes(w: Window) -> dict[str, int]:
    """Organisers' free-text notes past the window, emptied; by kind, rows changed."""
    offline = db.session.execute(
        sa.update(OfflineGift)
        .where(_offline_notes_past(w))
        .values(
            note="",
            removed_reason=sa.case((OfflineGift.removed_at.is_not(None), ""), else_=None),
        )
        .execution_options(synchronize_session=False)
    )
    refunds = db.session.execute(
        sa.update(Refund)
        .where(_refund_notes_past(w))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    audited = _audit_with_notes(_notes_cutoff(w))
    for row in audited:
        row.detail = _without_notes(row.detail)
    return {
        "offline_notes": int(offline.rowcount or 0),
        "refund_notes": int(refunds.rowcount or 0),
        "audit_notes": len(audited),
    }


def apply(now: datetime | None = None) -> dict[str, int]:
    """Erase every personal field past the retention window, in one transaction.

    Returns rows cleared by kind. When something was cleared, an Erasure row
    (subject "retention") logs the counts; a run that clears nothing writes
    nothing, so repeating it changes nothing. Moves no money.
    """
    w = window(now)
    # The outbox and the suppressions first: they find their rows by the addresses
    # the donations and pledges still hold.
    outbox_rows = privacy.clear_outbox(_outbox_past(w), "erased: past retention")
    suppressions = clear_suppressions(w)
    counts = {
        "outbox": outbox_rows,
        "donations": privacy.clear_donations(_donations_past(w)),
        "pledges": privacy.clear_pledges(_pledges_past(w)),
        "suppressions": suppressions,
        **clear_notes(w),
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
        "suppressions": len(_suppression_plan(w)),
        "notes": count(OfflineGift, _offline_notes_past(w))
        + count(Refund, _refund_notes_past(w))
        + len(_audit_with_notes(_notes_cutoff(w))),
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
