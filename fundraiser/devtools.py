"""Offline-demo helpers, registered only when LOCALSTRIPE_SHIM is on (never in production).

localstripe's fake Stripe.js lacks `confirmPayment`; `devtools/localstripe-shim.js`
supplies it the way real Stripe.js behaves, and asks this endpoint to attach the
card and confirm the intent, which real Stripe.js would do inside Stripe.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, send_file
from flask.typing import ResponseReturnValue

from . import ROOT
from .extensions import csrf
from .payments import stripe_gateway

bp = Blueprint("devtools", __name__, url_prefix="/_dev")


@bp.get("/localstripe-shim.js")
def shim() -> ResponseReturnValue:
    return send_file(ROOT / "devtools" / "localstripe-shim.js", mimetype="text/javascript")


@bp.post("/localstripe/confirm")
@csrf.exempt
def confirm() -> ResponseReturnValue:
    data = request.get_json(silent=True) or {}
    intent_id, card_id = data.get("payment_intent"), data.get("card")
    if not (isinstance(intent_id, str) and isinstance(card_id, str)):
        return jsonify(error="payment_intent and card are required"), 400
    return jsonify(stripe_gateway.emulator_confirm(intent_id, card_id))
