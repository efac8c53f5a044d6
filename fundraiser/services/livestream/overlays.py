"""The overlays' secret token: made, rotated (audited), and checked in constant time.

The token is the only thing that opens /overlay/<token>/...: a wrong or
rotated one finds nothing. It is stored as is because the dashboard and
`flask fundraiser overlay-urls` must show the URLs again; it never goes in logs.
"""

from __future__ import annotations

import hmac
import secrets

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign, Organiser
from ..organisers import audit
from ..organisers.scope import require_whole_campaign

OVERLAYS = ("bar", "alerts", "ticker")
# 32 random bytes, URL-safe: guessing is not an option, even with many tries.
TOKEN_BYTES = 32


def rotate_token(campaign_id: int, organiser: Organiser | None) -> str:
    """Make a new token (the old one stops working at once); audited, commits.

    `organiser` None stands for the command line. Raises ScopeError for a team organiser.
    """
    require_whole_campaign(organiser, "change the overlay token")
    campaign = db.session.get_one(Campaign, campaign_id)
    had_one = campaign.overlay_token is not None
    campaign.overlay_token = secrets.token_urlsafe(TOKEN_BYTES)
    audit.record(
        "overlay_token",
        "Rotated the overlay token" if had_one else "Made the overlay token",
        organiser=organiser,
    )
    db.session.commit()
    return campaign.overlay_token


def campaign_for_token(token: str) -> Campaign | None:
    """The current campaign if `token` is its overlay token, else None (constant-time compare)."""
    if not token or len(token) > 64:
        return None
    # The site runs the newest campaign (campaigns.current_campaign); only its token opens.
    campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.id.desc()).limit(1))
    if campaign is None or campaign.overlay_token is None:
        return None
    if not hmac.compare_digest(campaign.overlay_token.encode(), token.encode()):
        return None
    return campaign
