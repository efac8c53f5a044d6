"""The supporters' wall: approved messages of counted gifts, with nothing that identifies.

Each entry has the message, the name only if the donor chose to show it, the
amount only if the organiser's setting says so, and the day (UTC) only: no
email, no ids, no time of day. Within a day, entries are ordered by the gift's
random public id, so their order does not give the time away either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign, Donation
from .moderation import approved_gifts

WALL_SIZE = 100
CAMPAIGN_PAGE_SIZE = 3


@dataclass(frozen=True, slots=True)
class Supporter:
    """One entry of the wall, as the public may see it."""

    name: str | None
    message: str | None
    amount_minor: int | None
    currency: str | None
    day: str

    def as_json(self) -> dict[str, Any]:
        """The /api/supporters shape: absent facts are null, never guessed."""
        return {
            "name": self.name,
            "message": self.message,
            "amount": self.amount_minor,
            "currency": self.currency,
            "date": self.day,
        }


def wall(campaign: Campaign, limit: int = WALL_SIZE) -> list[Supporter]:
    """The newest days' approved entries of counted gifts, at most `limit`."""
    day = sa.func.date(Donation.succeeded_at)
    rows = db.session.scalars(
        approved_gifts(campaign.id)
        .where(Donation.succeeded_at.is_not(None))
        .order_by(day.desc(), Donation.public_id)
        .limit(limit)
    )
    entries = [
        Supporter(
            name=d.public_name,
            message=(d.message or "").strip() or None,
            amount_minor=d.amount_minor if campaign.wall_shows_amounts else None,
            currency=d.currency if campaign.wall_shows_amounts else None,
            day=d.succeeded_at.date().isoformat() if d.succeeded_at else "",
        )
        for d in rows
    ]
    # A donor erased since approval (services/donations/privacy.py) leaves nothing to show.
    return [e for e in entries if e.name or e.message]
