"""Refund, charge and dispute objects in Stripe's shapes, for signed webhook tests.

localstripe sends no refund or dispute events, so tests build them here and
sign them with tests/support/stripe_events.py, as Stripe would send them.
"""

from __future__ import annotations

import secrets
from typing import Any


def refund(
    intent_id: str,
    amount: int,
    *,
    refund_id: str | None = None,
    status: str = "succeeded",
    currency: str = "gbp",
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "id": refund_id or "re_test_" + secrets.token_hex(8),
        "object": "refund",
        "amount": amount,
        "currency": currency,
        "charge": "ch_for_" + intent_id,
        "payment_intent": intent_id,
        "status": status,
        "metadata": metadata or {},
        "reason": None,
    }


def charge(
    intent_id: str,
    amount: int,
    *,
    amount_refunded: int,
    refunds: list[dict[str, Any]] | None = None,
    currency: str = "gbp",
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": "ch_for_" + intent_id,
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount_refunded,
        "currency": currency,
        "payment_intent": intent_id,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }
    if refunds is not None:
        obj["refunds"] = {"object": "list", "data": refunds, "has_more": False}
    return obj


def dispute(
    intent_id: str,
    amount: int,
    *,
    dispute_id: str = "dp_test_1",
    status: str = "needs_response",
    currency: str = "gbp",
) -> dict[str, Any]:
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "currency": currency,
        "charge": "ch_for_" + intent_id,
        "payment_intent": intent_id,
        "reason": "fraudulent",
        "status": status,
    }
