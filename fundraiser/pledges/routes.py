"""Pledge pages: make a pledge, pay it from the payday link, cancel, unsubscribe.

Links from emails carry signed tokens (services/tokens.py). A link that is
tampered with, made for another purpose, expired or used up gets a clear
400 or 410 page and changes nothing. Pages that change something do it on
POST only, so a mail scanner opening a link cannot cancel a pledge.
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..donate_form import DonateForm
from ..extensions import csrf
from ..models import Campaign, Pledge
from ..security import card_testing
from ..services import tokens
from ..services.campaigns import campaigns
from ..services.pledges import pledges
from ..views import campaign_or_404, start_donation_response, status_for
from . import bp
from .forms import PledgeForm


def _refuse(exc: tokens.TokenError) -> NoReturn:
    abort(status_for(exc), description=exc.message)


def _pledge_or_refuse(purpose: str, token: str) -> Pledge:
    try:
        return pledges.from_token(purpose, token)
    except tokens.TokenError as exc:
        _refuse(exc)


def _pledge_page(campaign: Campaign, form: PledgeForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "pledges/pledge.html",
        campaign=campaign,
        progress=campaigns.progress(campaign),
        pledge_form=form,
    ), status


@bp.get("/pledge")
def pledge_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    return _pledge_page(campaign, PledgeForm.blank(campaign))


@bp.post("/pledge")
@card_testing.limit_pledges
def make_pledge() -> ResponseReturnValue:
    campaign = campaign_or_404()
    form = PledgeForm(campaign)
    if not form.validate():
        return _pledge_page(campaign, form, 400)
    try:
        pledge = pledges.create_pledge(campaign, form.request())
    except pledges.PledgeError as exc:
        form.form_errors.append(str(exc))
        return _pledge_page(campaign, form, 400)
    return redirect(url_for("pledges.pledged", public_id=pledge.public_id), code=303)


@bp.get("/pledge/made/<public_id>")
def pledged(public_id: str) -> ResponseReturnValue:
    pledge = pledges.by_public_id(public_id) or abort(404)
    return render_template(
        "pledges/pledged.html",
        campaign=pledge.campaign,
        pledge=pledge,
        progress=campaigns.progress(pledge.campaign),
    )


@bp.get("/pledge/<token>")
def pay(token: str) -> ResponseReturnValue:
    """The payday link: the donate form with the pledge's amount, for this pledge."""
    pledge = _pledge_or_refuse(tokens.PAY, token)
    try:
        pledges.refuse_if_closed(pledge)
    except tokens.TokenError as exc:
        _refuse(exc)
    campaign = pledge.campaign
    return render_template(
        "pledges/pay.html",
        campaign=campaign,
        pledge=pledge,
        progress=campaigns.progress(campaign),
        form=DonateForm(campaign, email=pledge.email),
        preset_amount=pledge.amount_minor,
        donate_url=url_for("pledges.pay_donate", token=token),
        donate_heading=gettext("Give what you pledged"),
    )


@bp.post("/pledge/<token>/donate")
@card_testing.limit_donations  # the same budget as /donate (same scopes and keys)
def pay_donate(token: str) -> ResponseReturnValue:
    """Start the payment of a pledge: /donate's flow, with the pledge id on the donation."""
    try:
        pledge = pledges.from_token(tokens.PAY, token)
        pledges.refuse_if_closed(pledge)
    except tokens.TokenError as exc:
        return jsonify(error=exc.message), status_for(exc)
    return start_donation_response(pledge.campaign, pledge_id=pledge.id)


@bp.route("/pledge/cancel/<token>", methods=["GET", "POST"])
def cancel(token: str) -> ResponseReturnValue:
    pledge = _pledge_or_refuse(tokens.CANCEL, token)
    try:
        if request.method == "POST":
            pledges.cancel(pledge)
            return render_template(
                "pledges/cancelled.html", campaign=pledge.campaign, pledge=pledge
            )
        pledges.refuse_if_closed(pledge)
    except tokens.TokenError as exc:
        _refuse(exc)
    return render_template("pledges/cancel.html", campaign=pledge.campaign, pledge=pledge)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click unsubscribe posts without a session; the token is the check.
def unsubscribe(token: str) -> ResponseReturnValue:
    pledge = _pledge_or_refuse(tokens.UNSUBSCRIBE, token)
    if request.method == "POST":
        pledges.unsubscribe(pledge.email)
        return render_template("pledges/unsubscribed.html", campaign=campaigns.current_campaign())
    return render_template("pledges/unsubscribe.html", campaign=campaigns.current_campaign())
