"""Public pages. Views validate, call one service, and render or answer JSON."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from .. import http_cache
from ..i18n import current_language
from ..models import Campaign
from ..payments.stripe_gateway import PaymentProviderError
from ..public_urls import public_url
from ..security import card_testing, client_keys
from ..services.campaigns import campaigns, snapshots
from ..services.campaigns.snapshots import CampaignStamp
from ..services.donations import donation_intake, donations, fees
from ..services.teams import teams
from ..views import NO_CAMPAIGN, campaign_or_404
from . import bp
from .forms import DonateForm

OPEN_DONATION = "open_donation"  # the session's latest donation, reused while untried
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


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


@bp.post("/donate")
@card_testing.limit_donations
def donate() -> ResponseReturnValue:
    return start_donation_response(campaign_or_404())


def start_donation_response(
    campaign: Campaign, *, pledge_id: int | None = None
) -> ResponseReturnValue:
    """Validate the donate form in this request and start its payment, as JSON.

    Shared by /donate and a pledge's pay link (which passes `pledge_id`).
    """
    if request.is_json and not isinstance(request.get_json(silent=True), dict):
        return jsonify(error=gettext("Send the donation as a JSON object.")), 400
    if not (request.is_json or request.mimetype in _FORM_TYPES):
        return jsonify(error=gettext("Send the donation as JSON or a web form.")), 415
    form = DonateForm(campaign)
    if form.honeypot_filled():
        current_app.logger.warning("donation refused: honeypot")
        return card_testing.refusal()
    if not form.validate():
        return jsonify(error=form.first_error(), fields=form.errors), 400
    try:
        team = teams.for_donation(campaign, form.team.data)
    except teams.TeamError as exc:
        return jsonify(error=str(exc)), 400
    request_ = donations.DonationRequest(
        amount_minor=form.amount_minor,
        display_name=form.display_name.data,
        name_public=bool(form.name_public.data),
        message=form.message.data,
        email=form.email.data,
        source=form.source.data,
        team_id=team.id if team else None,
        locale=current_language(),
        fee_cover_minor=fees.configured_cover(form.amount_minor) if form.cover_fees.data else 0,
        pledge_id=pledge_id,
    )
    try:
        started = donation_intake.start_or_reuse(
            campaign, request_, client_keys.current(), open_public_id=session.get(OPEN_DONATION)
        )
    except donation_intake.CoolingDown:
        current_app.logger.warning("donation refused: cooling down after declines")
        return card_testing.refusal()
    except PaymentProviderError as exc:
        return jsonify(error=exc.message), 502
    session[OPEN_DONATION] = started.donation.public_id
    thanks = public_url("public.thanks", public_id=started.donation.public_id)
    return jsonify(
        client_secret=started.client_secret,
        donation=started.donation.public_id,
        return_url=thanks,
    )


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
