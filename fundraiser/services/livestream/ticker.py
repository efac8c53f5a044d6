"""The ticker overlay's messages: the newest approved ones of counted gifts, nothing identifying.

Each item has the message and the name only when the donor chose to show it
and an organiser approved both (`ModerationState.APPROVED` covers the pair);
an anonymous donor's message comes without a name. No amount, time or id, so
the ticker tells the stream no more than the supporters' wall does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ...extensions import db
from ...models import Campaign, Donation
from ..moderation.moderation import approved_gifts

# Enough for a few minutes of scrolling; older messages have had their turn.
TICKER_SIZE = 20


@dataclass(frozen=True, slots=True)
class TickerItem:
    """One message on the ticker, as the stream may show it."""

    name: str | None
    message: str | None

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "message": self.message}


def recent(campaign: Campaign, limit: int = TICKER_SIZE) -> list[TickerItem]:
    """The newest approved names and messages of counted gifts, newest first, at most `limit`."""
    rows = db.session.scalars(
        approved_gifts(campaign.id)
        .order_by(Donation.succeeded_at.desc(), Donation.id.desc())
        .limit(limit)
    )
    items = [TickerItem(d.public_name, (d.message or "").strip() or None) for d in rows]
    # A donor erased since approval (services/donations/privacy.py) leaves nothing to show.
    return [item for item in items if item.name or item.message]


def version(items: list[TickerItem]) -> str:
    """A short digest of what the ticker shows: its ETag, so any change (an approval,
    a hidden message, an erased donor) reaches the overlay and nothing else does."""
    body = json.dumps([item.as_json() for item in items], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()[:20]
