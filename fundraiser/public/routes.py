"""Public pages. Views validate, call one service, and render or answer JSON."""

from __future__ import annotations

from flask import abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import http_cache
from ..models import Campaign
from ..payments.stripe_gateway import PaymentProviderError
from ..services import campaigns, donations, snapshots
from ..services.snapshots import CampaignStamp
from . import bp
from .forms import DonateForm

_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


_NO_CAMPAIGN = "There is no campaign yet. Create one with: flask --app wsgi fundraiser demo"


def _campaign_or_404() -> Campaign:
    campaign = campaigns.current_campaign()
    if campaign is None:
        abort(404, description=_NO_CAMPAIGN)
    return campaign


def _stamp_or_404() -> CampaignStamp:
    stamp = http_cache.current_stamp()
    if stamp is None:
        abort(404, description=_NO_CAMPAIGN)
    return stamp


@bp.get("/")
def campaign_page() -> ResponseReturnValue:
    """The same page for everyone (no CSRF token in it), cached by ETag.

    The donate script fetches its CSRF token from /api/csrf-token, so shared
    caches may keep this page for a few seconds; see fundraiser/http_cache.py.
    """
    stamp = _stamp_or_404()

    def build() -> tuple[CampaignStamp, bytes]:
        campaign = snapshots.campaign_of(stamp) or _campaign_or_404()
        html = render_template(
            "campaign.html",
            campaign=campaign,
            progress=campaigns.progress(campaign),
            form=DonateForm(campaign, meta={"csrf": False}),
        )
        return snapshots.stamp_of(campaign), html.encode()

    return http_cache.conditional(
        "page", stamp, build, mimetype="text/html", cache_control=http_cache.PAGE_CACHE_CONTROL
    )


@bp.post("/donate")
def donate() -> ResponseReturnValue:
    campaign = _campaign_or_404()
    if request.is_json and not isinstance(request.get_json(silent=True), dict):
        return jsonify(error="Send the donation as a JSON object."), 400
    if not (request.is_json or request.mimetype in _FORM_TYPES):
        return jsonify(error="Send the donation as JSON or a web form."), 415
    form = DonateForm(campaign)
    if not form.validate():
        return jsonify(error=form.first_error(), fields=form.errors), 400
    request_ = donations.DonationRequest(
        amount_minor=form.amount_minor,
        display_name=form.display_name.data,
        name_public=bool(form.name_public.data),
        message=form.message.data,
        email=form.email.data,
        source=form.source.data,
    )
    try:
        started = donations.start_donation(campaign, request_)
    except PaymentProviderError as exc:
        return jsonify(error=exc.message), 502
    thanks = url_for("public.thanks", public_id=started.donation.public_id, _external=True)
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
