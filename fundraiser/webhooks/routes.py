"""POST /stripe/webhook: verify, then hand the event to the ledger."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from ..extensions import csrf
from ..payments.shapes import MalformedEvent
from ..payments.stripe_gateway import SignatureError, verify_event
from . import bp
from .ledger import process_event


@bp.post("/stripe/webhook")
@csrf.exempt  # Stripe cannot send a CSRF token; the signature is the check.
def stripe_webhook() -> ResponseReturnValue:
    try:
        event = verify_event(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    except SignatureError as exc:
        current_app.logger.warning("webhook refused: %s", exc)
        return jsonify(error="Invalid or missing Stripe signature."), 400
    # An exception here becomes a 500, so Stripe retries; the ledger rolled back.
    try:
        outcome = process_event(event)
    except MalformedEvent as exc:
        current_app.logger.warning("webhook refused: malformed %s", exc)
        return jsonify(error="That is not a Stripe event this endpoint can record."), 400
    current_app.logger.info(
        "webhook %s %s: %s (%s)", event.get("type"), event["id"], outcome.code, outcome.detail
    )
    return jsonify(received=True, outcome=outcome.code, detail=outcome.detail)
