"""Handlers for refunds and disputes, made here or in Stripe's own dashboard.

Each records Stripe's object by its id and lets `services.deductions` move
`raised`; the ledger stores the event id in the same transaction.
"""

from __future__ import annotations

from typing import Any

from ..models import Outcome
from ..services import deductions
from .ledger import handles


def _object(event: dict[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


@handles("charge.refunded")
def charge_refunded(event: dict[str, Any]) -> Outcome:
    return deductions.record_charge_refunded(
        _object(event), event_created=int(event.get("created") or 0)
    )


@handles("refund.created")
@handles("refund.updated")
@handles("refund.failed")
@handles("charge.refund.updated")
def refund_changed(event: dict[str, Any]) -> Outcome:
    return deductions.record_refund(_object(event))


@handles("charge.dispute.created")
@handles("charge.dispute.updated")
@handles("charge.dispute.closed")
@handles("charge.dispute.funds_withdrawn")
@handles("charge.dispute.funds_reinstated")
def dispute_changed(event: dict[str, Any]) -> Outcome:
    return deductions.record_dispute(_object(event))
