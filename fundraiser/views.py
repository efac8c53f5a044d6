"""Helpers the views of every area share: the current campaign, a team, starting a donation."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext

from .donate_form import DonateForm
from .errors import UserError
from .i18n import current_language
from .models import Campaign, Team
from .payments.stripe_gateway import PaymentProviderError
from .public_urls import public_url
from .security import card_testing, client_keys
from .services.campaigns import campaigns
from .services.donations import donation_intake, donations, fees
from .services.organisers.scope import ScopeError
from .services.teams import teams
from .services.tokens import TokenGone

OPEN_DONATION = "open_donation"  # the session's latest donation, reused while untried
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
NO_CAMPAIGN = lazy_gettext(
    "There is no campaign yet. Create one with: flask --app wsgi fundraiser demo"
)


def status_for(exc: UserError) -> int:
    """The HTTP status a refusal answers with, chosen here rather than by the service.

    410 for a link that has expired or been used up, 403 for an organiser
    acting outside their team, 400 for everything else a person got wrong.
    """
    if isinstance(exc, TokenGone):
        return 410
    if isinstance(exc, ScopeError):
        return 403
    return 400


def campaign_or_404() -> Campaign:
    """The drive this site runs, or a 404 that says how to create one."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        abort(404, description=str(NO_CAMPAIGN))
    return campaign


def team_or_404(campaign: Campaign, slug: str) -> Team:
    return teams.by_slug(campaign, slug) or abort(
        404, description=gettext("There is no such team.")
    )


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
        updates_consent=bool(form.updates_consent.data),
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
    session[OPEN_DONATION] = started.public_id
    thanks = public_url("public.thanks", public_id=started.public_id)
    return jsonify(
        client_secret=started.client_secret,
        donation=started.public_id,
        return_url=thanks,
    )
