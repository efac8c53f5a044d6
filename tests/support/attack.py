"""Helpers for attack tests: donors and card testers at chosen addresses."""

from __future__ import annotations

import contextlib
from typing import Any

import stripe
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.harness import LocalStripe
from tests.support.http import csrf_token


def client_at(app: Flask, address: str) -> FlaskClient:
    """A fresh browser (own cookies) whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def donate_as(client: FlaskClient, amount: str = "4.00", **fields: Any) -> TestResponse:
    """Open the page (for its CSRF token), then press Donate, as the page's script does."""
    body: dict[str, Any] = {"amount": amount, "display_name": "", "message": "", "email": ""}
    body.update(fields)
    token = csrf_token(client)
    return client.post(
        "/donate", json=body, headers={"X-CSRFToken": token, "Accept": "application/json"}
    )


def intent_ids(localstripe: LocalStripe) -> list[str]:
    """Every PaymentIntent localstripe holds, following its pages."""
    intents = localstripe.client().v1.payment_intents
    ids: list[str] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = intents.list(params=params)
        ids.extend(intent.id for intent in page.data)
        if not page.has_more or not page.data:
            return ids
        params["starting_after"] = page.data[-1].id


def intent_id(response: TestResponse) -> str:
    return str(response.json["client_secret"]).split("_secret_")[0]  # type: ignore[index]


def pay(localstripe: LocalStripe, intent: str, payment_method: str = "pm_card_visa") -> None:
    """Confirm an intent with a test card, as Stripe.js would; a decline is not an error."""
    intents = localstripe.client().v1.payment_intents
    intents.update(intent, params={"payment_method": payment_method})
    with contextlib.suppress(stripe.CardError):
        intents.confirm(intent)
