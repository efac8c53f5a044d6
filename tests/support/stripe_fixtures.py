"""Load the Stripe event bodies in tests/fixtures/stripe and post them signed.

The fixtures were written from Stripe's documented shapes for API version
2026-10-28.endive (the one stripe-python 16.1.0 pins) and, where the shape
differs, 2019-12-03: full envelopes (api_version, livemode, request,
previous_attributes) and full objects (refund destination_details and
failure_reason, dispute balance_transactions and evidence_details). The only
placeholder is `{{DONATION_ID}}`, the donation's id in the intent's metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.support import stripe_events as se

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stripe"
INTENT = "pi_3QfixtureDonation1"
AMOUNT = 2000


def events(name: str, *, donation_id: int) -> list[dict[str, Any]]:
    """The events of fixture `name` (without .json), in the order Stripe sent them."""
    text = (FIXTURES / f"{name}.json").read_text()
    return json.loads(text.replace("{{DONATION_ID}}", str(donation_id)))["events"]  # type: ignore[no-any-return]


def post(client: FlaskClient, event: dict[str, Any], secret: str) -> dict[str, Any]:
    """Deliver one event as Stripe would; returns the webhook's JSON answer (200 required)."""
    body, headers = se.signed(event, secret)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json  # type: ignore[no-any-return]
