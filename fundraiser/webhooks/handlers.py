"""Handlers for the Stripe event types this app acts on."""

from __future__ import annotations

from typing import Any

from ..services import donations
from .ledger import handles


def _object(event: dict[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


@handles("payment_intent.succeeded")
def payment_intent_succeeded(event: dict[str, Any]) -> str:
    return donations.record_success(_object(event), event_id=event["id"])


@handles("payment_intent.payment_failed")
def payment_intent_failed(event: dict[str, Any]) -> str:
    return donations.record_failure(_object(event), event_id=event["id"])
