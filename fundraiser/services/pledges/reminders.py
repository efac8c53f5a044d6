"""Payday reminders: one email on payday, at most one follow-up, then lapse.

Each step is a compare-and-set on the pledge's `reminders_sent` committed
with the queued email (whose idempotency key is unique too), so running the
job twice, or two at once, sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ...extensions import db
from ...models import Pledge
from . import pledge_mail, pledges

FOLLOW_UP_AFTER = timedelta(days=3)
LAPSE_AFTER_FOLLOW_UP = timedelta(days=3)
# Without consent there are no reminders; the pledge stops counting a week after payday.
LAPSE_WITHOUT_CONSENT = timedelta(days=7)


@dataclass
class ReminderReport:
    reminded: int = 0
    followed_up: int = 0
    lapsed: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in vars(self).items())


def _remind(pledge_id: int, sent_before: int, now: datetime) -> bool:
    """Claim reminder number `sent_before + 1` for a pledge and queue it; commits."""
    claimed = db.session.execute(
        sa.update(Pledge)
        .where(
            Pledge.id == pledge_id,
            Pledge.status == pledges.PLEDGED,
            Pledge.consent.is_(True),
            Pledge.reminders_sent == sent_before,
        )
        .values(reminders_sent=sent_before + 1, last_reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    pledge = db.session.get(Pledge, pledge_id, populate_existing=True)
    assert pledge is not None
    queued = pledge_mail.queue_reminder(pledge, pledge.campaign, sent_before + 1)
    db.session.commit()
    return queued


def _ids(*conditions: sa.ColumnElement[bool]) -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(Pledge.id)
            .where(Pledge.status == pledges.PLEDGED, *conditions)
            .order_by(Pledge.id)
        )
    )
    db.session.commit()
    return ids


def send_due(now: datetime) -> ReminderReport:
    """Queue every reminder and follow-up due at `now`, and lapse the unpaid. Commits."""
    report = ReminderReport()
    for pledge_id in _ids(
        Pledge.consent.is_(True), Pledge.reminders_sent == 0, Pledge.remind_at <= now
    ):
        report.reminded += _remind(pledge_id, 0, now)
    for pledge_id in _ids(
        Pledge.consent.is_(True),
        Pledge.reminders_sent == 1,
        Pledge.last_reminded_at <= now - FOLLOW_UP_AFTER,
    ):
        report.followed_up += _remind(pledge_id, 1, now)
    for pledge_id in _ids(
        sa.or_(
            sa.and_(
                Pledge.reminders_sent >= 2,
                Pledge.last_reminded_at <= now - LAPSE_AFTER_FOLLOW_UP,
            ),
            sa.and_(
                Pledge.consent.is_(False),
                Pledge.remind_at <= now - LAPSE_WITHOUT_CONSENT,
            ),
        )
    ):
        pledge = db.session.get(Pledge, pledge_id)
        if pledge is not None and pledges.lapse(pledge):
            report.lapsed += 1
        db.session.commit()
    return report
