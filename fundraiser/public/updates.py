"""The organisers' updates, newest first, and stopping update emails."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from .. import http_cache
from ..extensions import csrf
from ..i18n import current_language
from ..services import tokens
from ..services.campaigns import campaigns, snapshots
from ..services.campaigns.snapshots import CampaignStamp
from ..services.updates import update_mail, updates
from ..views import NO_CAMPAIGN, campaign_or_404, status_for
from . import bp


@bp.get("/updates")
def updates_page() -> ResponseReturnValue:
    """Every update, newest first; cached by ETag like the campaign page (posting
    one moves the campaign's totals_version)."""
    stamp = http_cache.current_stamp() or abort(404, description=str(NO_CAMPAIGN))

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or campaign_or_404()
        html = render_template("updates.html", campaign=campaign, updates=updates.recent(campaign))
        return snapshots.stamp_of(campaign), html.encode()

    return http_cache.conditional(
        f"updates-{current_language()}",
        stamp,
        build,
        mimetype="text/html",
        cache_control=http_cache.PAGE_CACHE_CONTROL,
    )


@bp.route("/updates/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click unsubscribe posts without a session; the token is the check.
def updates_unsubscribe(token: str) -> ResponseReturnValue:
    """GET asks (a mail scanner opening the link changes nothing); POST stops update
    emails at once. A tampered link answers 400, an expired one 410."""
    campaign = campaigns.current_campaign()
    try:
        if request.method == "POST":
            update_mail.unsubscribe(token)
            return render_template("updates_unsubscribed.html", campaign=campaign)
        update_mail.address_for(token)  # refuse a bad link before asking
    except tokens.TokenError as exc:
        abort(status_for(exc), description=exc.message)
    return render_template("updates_unsubscribe.html", campaign=campaign)
