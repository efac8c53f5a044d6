"""What a Stripe event and its PaymentIntent must look like before anything is stored.

Stripe's events are signed, so a malformed one means a bug or an API change,
not an attack; still, nothing in one may raise a 500 or reach the database
unchecked (PostgreSQL refuses NUL characters, columns have lengths, a JSON
number is not a string). `check_event` refuses the envelope (the route answers
400); `payment_intent` returns the intent's fields, cleaned, or None.
"""

from __future__ import annotations

import re
from typing import Any

from ..text import clean_limited

_STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
_CURRENCY = re.compile(r"[a-z]{3}")
_MAX_TIMESTAMP = 2**40  # far beyond any real Unix time, far inside BIGINT


class MalformedEvent(ValueError):
    """A signed body that is not a Stripe event this app can record."""


def is_stripe_id(value: object) -> bool:
    return isinstance(value, str) and bool(_STRIPE_ID.fullmatch(value))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_event(event: dict[str, Any]) -> None:
    """Raise MalformedEvent unless `event` has a usable id, type, time and object."""
    if not is_stripe_id(event.get("id")):
        raise MalformedEvent("event id")
    if not isinstance(event.get("type"), str) or not 0 < len(event["type"]) <= 100:
        raise MalformedEvent("event type")
    created = event.get("created", 0)
    if not _is_int(created) or not 0 <= created < _MAX_TIMESTAMP:
        raise MalformedEvent("event time")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("event object")


def event_object(event: dict[str, Any]) -> dict[str, Any]:
    """The event's `data.object` (check_event has made sure it is a dict)."""
    return event["data"]["object"]  # type: ignore[no-any-return]


def payment_intent(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The PaymentIntent fields handlers use, checked and cleaned; None if unusable."""
    currency = obj.get("currency")
    if (
        not is_stripe_id(obj.get("id"))
        or not _is_int(obj.get("amount"))
        or not isinstance(currency, str)
        or not _CURRENCY.fullmatch(currency.lower())
    ):
        return None
    metadata = obj.get("metadata")
    donation_id = metadata.get("donation_id") if isinstance(metadata, dict) else None
    error = obj.get("last_payment_error")
    message = clean_limited(error.get("message")) if isinstance(error, dict) else None
    cleaned: dict[str, Any] = {
        "id": obj["id"],
        "object": "payment_intent",
        "amount": obj["amount"],
        "currency": currency.lower(),
        "status": clean_limited(obj.get("status"), 40),
        "metadata": {"donation_id": donation_id}
        if isinstance(donation_id, str)
        and donation_id.isascii()
        and donation_id.isdigit()
        and len(donation_id) <= 18
        else {},
    }
    if isinstance(error, dict):
        cleaned["last_payment_error"] = {"message": message}
    return cleaned
