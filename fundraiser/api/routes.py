"""Public JSON: progress, the supporters' wall and a donation's status. No personal data, ever."""

from __future__ import annotations

import json

from flask import abort, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from .. import http_cache
from ..i18n.page import provider_words
from ..money import format_money
from ..services.campaigns import campaigns, snapshots
from ..services.campaigns.snapshots import CampaignStamp
from ..services.donations import donations
from ..services.moderation import supporters
from . import bp


@bp.get("/progress")
def progress() -> ResponseReturnValue:
    """The totals, cached by ETag: an unchanged total costs one small read and a 304."""
    stamp = http_cache.current_stamp() or abort(404, description=gettext("No campaign yet."))

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or abort(404)
        return snapshots.stamp_of(campaign), snapshots.progress_body(campaign)

    return http_cache.conditional(
        "progress",
        stamp,
        build,
        mimetype="application/json",
        cache_control=http_cache.PROGRESS_CACHE_CONTROL,
    )


@bp.get("/supporters")
def supporters_json() -> ResponseReturnValue:
    """The supporters' wall as JSON: approved messages; no email, no ids, the day only."""
    stamp = http_cache.current_stamp() or abort(404, description=gettext("No campaign yet."))

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or abort(404)
        body = {"supporters": [s.as_json() for s in supporters.wall(campaign)]}
        return snapshots.stamp_of(campaign), json.dumps(body, separators=(",", ":")).encode()

    return http_cache.conditional(
        "supporters",
        stamp,
        build,
        mimetype="application/json",
        cache_control=http_cache.PROGRESS_CACHE_CONTROL,
    )


@bp.get("/donations/<public_id>")
def donation_status(public_id: str) -> ResponseReturnValue:
    """What the thank-you page polls: the donation's state, never who gave it."""
    donation = donations.by_public_id(public_id) or abort(
        404, description=gettext("No such donation.")
    )
    return jsonify(
        status=donation.status,
        amount=donation.amount_minor,
        currency=donation.currency,
        amount_display=format_money(donation.amount_minor, donation.currency),
        # In the page's language where the catalogue knows the provider's sentence.
        failure_message=provider_words(donation.failure_message)
        if donation.status == donations.FAILED
        else None,
        progress=campaigns.progress(donation.campaign).as_json(),
    )
