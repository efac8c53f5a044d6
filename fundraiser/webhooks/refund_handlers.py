"""Handlers for refund and dispute events, made here or in Stripe's own dashboard.

Each only unwraps the event: the logic lives in services/refunds/ (which
records Stripe's object by its id and moves `raised`); the ledger stores the
event id in the same transaction. Registered in fundraiser/wiring.py.
"""

from __future__ import annotations

from typing import Any

from ..models import Outcome
from ..services.refunds import refunds_and_disputes


def _object(event: dict[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


def charge_refunded(event: dict[str, Any]) -> Outcome:
    return refunds_and_disputes.record_charge_refunded(
        _object(event), event_created=int(event.get("created") or 0)
    )


def refund_changed(event: dict[str, Any]) -> Outcome:
    return refunds_and_disputes.record_refund(_object(event))


def dispute_changed(event: dict[str, Any]) -> Outcome:
    return refunds_and_disputes.record_dispute(_object(event))
