"""Build signed Stripe events the way Stripe does, for webhook tests.

Stripe signs `"{timestamp}.{payload}"` with HMAC-SHA256 and the endpoint's
secret, and sends `Stripe-Signature: t=<timestamp>,v1=<hex>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An event in Stripe's shape (API version fields trimmed to what matters)."""
    return {
        "id": event_id or "evt_test_" + secrets.token_hex(8),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def payment_intent(
    intent_id: str,
    *,
    amount: int,
    currency: str = "gbp",
    status: str = "succeeded",
    donation_id: int | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "currency": currency,
        "status": status,
        "metadata": {"donation_id": str(donation_id)} if donation_id is not None else {},
    }
    if error:
        obj["last_payment_error"] = {"code": "card_declined", "message": error}
    return obj


def signed(
    evt: dict[str, Any], secret: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook delivery of `evt`."""
    payload = json.dumps(evt).encode()
    return payload, {
        "Stripe-Signature": signature_header(payload, secret, timestamp),
        "Content-Type": "application/json",
    }
