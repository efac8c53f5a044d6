"""Public pages. Views validate, call one service, and render or answer JSON."""

from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask.typing import ResponseReturnValue

from .. import http_cache
from ..donate_form import DonateForm
from ..errors import respond
from ..i18n import current_language
from ..security import card_testing
from ..services import tokens
from ..services.campaigns import campaigns, snapshots
from ..services.campaigns.snapshots import CampaignStamp
from ..services.donations import donations, privacy, privacy_notice, receipts
from ..services.moderation import supporters
from ..services.teams import teams
from ..services.transparency import transfers
from ..views import NO_CAMPAIGN, campaign_or_404, start_donation_response, status_for
from . import bp


def _stamp_or_404() -> CampaignStamp:
    stamp = http_cache.current_stamp()
    if stamp is None:
        abort(404, description=str(NO_CAMPAIGN))
    return stamp


@bp.get("/")
def campaign_page() -> ResponseReturnValue:
    """The same page for everyone (no CSRF token in it), cached by ETag.

    The donate script fetches its CSRF token from /api/csrf-token, so shared
    caches may keep this page for a few seconds; see fundraiser/http_cache.py.
    """
    stamp = _stamp_or_404()

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or campaign_or_404()
        html = render_template(
            "campaign.html",
            campaign=campaign,
            progress=campaigns.progress(campaign),
            form=DonateForm(campaign, meta={"csrf": False}),
            leaderboard=teams.leaderboard(campaign),
            supporters=supporters.wall(campaign, supporters.CAMPAIGN_PAGE_SIZE),
            sent=transfers.sent(campaign),
        )
        return snapshots.stamp_of(campaign), html.encode()

    return http_cache.conditional(
        # One body and ETag per language: the page varies on it.
        f"page-{current_language()}",
        stamp,
        build,
        mimetype="text/html",
        cache_control=http_cache.PAGE_CACHE_CONTROL,
    )


@bp.get("/supporters")
def supporters_page() -> ResponseReturnValue:
    """The supporters' wall: approved messages only, cached by ETag like the campaign page.

    Moderation decisions move the campaign's totals_version, so the ETag follows them.
    """
    stamp = _stamp_or_404()

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or campaign_or_404()
        html = render_template(
            "supporters.html", campaign=campaign, supporters=supporters.wall(campaign)
        )
        return snapshots.stamp_of(campaign), html.encode()

    return http_cache.conditional(
        f"supporters-{current_language()}",
        stamp,
        build,
        mimetype="text/html",
        cache_control=http_cache.PAGE_CACHE_CONTROL,
    )


@bp.post("/donate")
@card_testing.limit_donations
def donate() -> ResponseReturnValue:
    return start_donation_response(campaign_or_404())


@bp.get("/thanks/<public_id>")
def thanks(public_id: str) -> ResponseReturnValue:
    donation = donations.by_public_id(public_id) or abort(404)
    campaign = donation.campaign
    return render_template(
        "thanks.html",
        campaign=campaign,
        donation=donation,
        progress=campaigns.progress(campaign),
    )


@bp.route("/forget/<token>", methods=["GET", "POST"])
def forget(token: str) -> ResponseReturnValue:
    """ "Delete my details" from an email: GET asks (a mail scanner opening the link
    erases nothing), POST with the page's CSRF token erases at once. A tampered link
    answers 400, an expired or already-used one 410; neither changes anything."""
    try:
        if request.method == "POST":
            privacy.erase_by_token(token)
            return render_template("forgotten.html", campaign=campaigns.current_campaign())
        privacy.address_for_erasure(token)  # refuse a bad link before asking
    except tokens.TokenError as exc:
        abort(status_for(exc), description=exc.message)
    return render_template("forget.html", campaign=campaigns.current_campaign())


@bp.get("/receipt/<string(maxlength=400):token>")
def receipt(token: str) -> ResponseReturnValue:
    """The receipt a donor saves or prints from the thank-you page: no email needed.

    Opened by a signed link that expires (a tampered one answers 400, an expired
    one 410). Kept by no cache and sent on to no other site: the page names a gift.
    """
    try:
        found = receipts.receipt_for(token)
    except tokens.TokenError as exc:
        response = make_response(respond(status_for(exc), exc.message))
    else:
        response = make_response(
            render_template(
                "receipt.html",
                receipt=found,
                campaign=found.campaign,
                receipt_states=receipts.ReceiptState,
                link_days=tokens.MAX_AGE[tokens.RECEIPT].days,
            )
        )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/privacy")
def privacy_page() -> ResponseReturnValue:
    """What is kept, for how long, who sees it, what Stripe keeps, how to delete:
    stated from the running settings (services/donations/privacy_notice.py)."""
    campaign = campaigns.current_campaign()
    return render_template(
        "privacy.html", campaign=campaign, notice=privacy_notice.notice(campaign)
    )


@bp.get("/transparency")
def transparency() -> ResponseReturnValue:
    """Where the money went: raised, sent to the beneficiary, refunded, fees covered.

    Public, with no personal data; transfers move `totals_version`, so the
    campaign page's cached copies follow (this page is built on each request).
    """
    campaign = campaign_or_404()
    return render_template(
        "transparency.html", campaign=campaign, totals=transfers.totals(campaign)
    )
