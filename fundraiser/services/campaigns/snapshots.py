"""Cheap reads of what every visitor sees, for HTTP caching.

The campaign page and /api/progress are the same for everyone and change only
when the current campaign's row changes: `totals_version` moves in the same
transaction as every counted donation, and `updated_at` with any other edit.
`current_stamp` reads just those columns, so a caller can answer "unchanged"
(304, or a body it already built) without loading or rendering anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign
from ..milestones import milestones
from .campaigns import progress


@dataclass(frozen=True, slots=True)
class CampaignStamp:
    """Which campaign is current, and which version of it."""

    campaign_id: int
    totals_version: int
    updated_at: datetime

    @property
    def token(self) -> str:
        """Changes whenever anything shown about the campaign may have changed."""
        micros = int(self.updated_at.timestamp() * 1_000_000)
        return f"{self.campaign_id}.{self.totals_version}.{micros:x}"


def current_stamp() -> CampaignStamp | None:
    """The current campaign's stamp (the newest campaign), or None when there is none."""
    row = db.session.execute(
        sa.select(Campaign.id, Campaign.totals_version, Campaign.updated_at)
        .order_by(Campaign.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return CampaignStamp(campaign_id=row[0], totals_version=row[1], updated_at=row[2])


def campaign_of(stamp: CampaignStamp) -> Campaign | None:
    """The campaign a stamp names, loaded whole (it may have moved on since)."""
    return db.session.get(Campaign, stamp.campaign_id)


def stamp_of(campaign: Campaign) -> CampaignStamp:
    return CampaignStamp(campaign.id, campaign.totals_version, campaign.updated_at)


def progress_body(campaign: Campaign) -> bytes:
    """The /api/progress JSON for `campaign`, as bytes. No personal data."""
    body = progress(campaign).as_json() | milestones.summary(campaign).as_json(campaign.currency)
    return json.dumps(body, separators=(",", ":")).encode()
