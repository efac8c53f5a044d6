"""Handlers for the Stripe payment events this app acts on (registered in fundraiser/wiring.py)."""

from __future__ import annotations

from typing import Any

from ..models import Outcome, OutcomeCode
from ..payments.shapes import event_object, payment_intent
from ..services.donations import donations, stripe_sync


def look_up_intent(event: dict[str, Any]) -> None:
    """Before the write lock: load the donation a payment intent event is about."""
    intent = payment_intent(event_object(event))
    if intent is not None:
        donations.look_up_by_intent(intent)


def payment_intent_succeeded(event: dict[str, Any]) -> Outcome:
    intent = payment_intent(event_object(event))
    if intent is None:
        return Outcome(OutcomeCode.MALFORMED, "malformed payment intent")
    return donations.record_success(intent, event_id=event["id"])


def payment_intent_failed(event: dict[str, Any]) -> Outcome:
    intent = payment_intent(event_object(event))
    if intent is None:
        return Outcome(OutcomeCode.MALFORMED, "malformed payment intent")
    # A failure may be older than a success Stripe already holds: ask Stripe.
    return stripe_sync.apply_failure(intent, event_id=event["id"])
