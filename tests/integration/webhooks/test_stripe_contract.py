"""The gateway speaks the API version the pinned SDK was generated for.

Every request fundraiser.payments.stripe_gateway sends is recorded on its way
into the SDK and checked against the SDK's typed parameters
(tests/support/stripe_contract.py), so an SDK upgrade that removes a parameter
fails here, not for a donor. A stub that answers like real Stripe on endive
shows the removed `payment_method_types` is never sent, and localstripe
(through the loopback's translation) still takes a donation end to end.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
import stripe
from flask import Flask

from fundraiser.models import Campaign
from fundraiser.payments import stripe_gateway
from tests.support import stripe_requests
from tests.support.harness import LiveServer, LocalStripe, campaign_totals, free_port, wait_until
from tests.support.http import donate
from tests.support.stripe_contract import violations
from tests.support.stripe_requests import Sent

pytestmark = pytest.mark.stripe

# The request the gateway sent before this change, exactly as the SDK received it.
OLD_CREATE = (
    "post",
    "/v1/payment_intents",
    {
        "amount": 2000,
        "currency": "gbp",
        "payment_method_types": ["card"],
        "metadata": {"donation_id": "1"},
    },
)


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Every (method, path, params) the SDK is asked to send, recorded then sent for real."""
    return stripe_requests.record(monkeypatch)


def test_the_checker_refuses_the_old_payment_method_types_request() -> None:
    problems = violations(*OLD_CREATE)
    assert problems == [
        "PaymentIntentCreateParams.payment_method_types: not a parameter of this API version "
        "(PaymentIntentCreateParams)"
    ]


def test_the_checker_catches_the_old_call_when_it_is_really_made(
    localstripe: LocalStripe, sent: Sent
) -> None:
    """The SDK still lets the old name through, and the loopback refuses it like endive."""
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": localstripe.base})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payment_intents.create(params=OLD_CREATE[2])  # type: ignore[arg-type]
    assert refused.value.code == "payment_method_types_no_longer_supported"
    [(method, path, params)] = sent
    assert any("payment_method_types" in p for p in violations(method, path, params))


def test_every_request_the_gateway_sends_fits_the_pinned_api_version(
    app: Flask, localstripe: LocalStripe, sent: Sent
) -> None:
    with app.test_request_context():
        ref = stripe_gateway.create_payment_intent(
            amount_minor=1500, currency="gbp", metadata={"donation_id": "7"}, idempotency_key="c1"
        )
        assert stripe_gateway.emulator_confirm(ref.id, "pm_card_visa")["status"] == "succeeded"
        intent = stripe_gateway.retrieve_payment_intent(ref.id)
        assert stripe_gateway.find_payment_intent(ref.id) is not None
        charge = intent["latest_charge"]
        charge_id = charge["id"] if isinstance(charge, dict) else charge
        assert stripe_gateway.charge_payment_intent(charge_id) == ref.id
        stripe_gateway.create_refund(
            payment_intent_id=ref.id,
            amount_minor=500,
            metadata={"refund_id": "1"},
            idempotency_key="r1",
        )
        assert any(i["id"] == ref.id for i in stripe_gateway.list_payment_intents())
        list(stripe_gateway.list_events("payment_intent.succeeded", created_gte=0))
        # localstripe has no disputes endpoint; the request is recorded all the same.
        with contextlib.suppress(stripe_gateway.PaymentProviderError):
            list(stripe_gateway.list_disputes(charge_id))
        other = stripe_gateway.create_payment_intent(
            amount_minor=400, currency="gbp", metadata={}, idempotency_key="c2"
        )
        assert stripe_gateway.cancel_payment_intent(other.id)
    routes = {
        (m, p.replace(ref.id, "{id}").replace(other.id, "{id}").replace(charge_id, "{ch}"))
        for m, p, _ in sent
    }
    assert routes >= {
        ("post", "/v1/payment_intents"),
        ("post", "/v1/payment_intents/{id}"),
        ("post", "/v1/payment_intents/{id}/confirm"),
        ("post", "/v1/payment_intents/{id}/cancel"),
        ("get", "/v1/payment_intents/{id}"),
        ("get", "/v1/payment_intents"),
        ("get", "/v1/charges/{ch}"),
        ("post", "/v1/refunds"),
        ("get", "/v1/events"),
        ("get", "/v1/disputes"),
    }
    problems = [p for call in sent for p in violations(*call)]
    assert problems == []


class EndiveStub(BaseHTTPRequestHandler):
    """Answers like Stripe on endive: the removed parameter is a 400; so is a tiny amount."""

    seen: ClassVar[list[tuple[str, dict[str, list[str]], str]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.seen.append((self.path, form, self.headers.get("Stripe-Version", "")))
        if any(key.startswith("payment_method_types") for key in form):
            self._answer(
                400,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "payment_method_types_no_longer_supported",
                        "param": "payment_method_types",
                        "message": "No longer supported.",
                    }
                },
            )
        elif int(form.get("amount", ["0"])[0]) < 30:
            self._answer(
                400,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "amount_too_small",
                        "param": "amount",
                        "message": "Amount must be at least £0.30 gbp",
                    }
                },
            )
        else:
            self._answer(
                200,
                {
                    "id": "pi_stub_1",
                    "object": "payment_intent",
                    "client_secret": "pi_stub_1_secret_x",
                    "amount": int(form["amount"][0]),
                    "currency": form["currency"][0],
                    "status": "requires_payment_method",
                    "livemode": False,
                },
            )

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def endive(app: Flask) -> Iterator[list[tuple[str, dict[str, list[str]], str]]]:
    """The app pointed at the endive stub; yields what the stub received."""
    EndiveStub.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), EndiveStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    saved = app.config["STRIPE_API_BASE"]
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{server.server_address[1]}"
    app.extensions.pop("stripe_client", None)
    try:
        yield EndiveStub.seen
    finally:
        app.config["STRIPE_API_BASE"] = saved
        app.extensions.pop("stripe_client", None)
        server.shutdown()
        server.server_close()


def test_a_stub_answering_like_endive_is_never_sent_the_removed_parameter(
    app: Flask, endive: list[tuple[str, dict[str, list[str]], str]]
) -> None:
    with app.test_request_context():
        ref = stripe_gateway.create_payment_intent(
            amount_minor=2000, currency="gbp", metadata={"donation_id": "1"}, idempotency_key="e1"
        )
    assert ref.id == "pi_stub_1"
    [(path, form, version)] = endive
    assert path == "/v1/payment_intents"
    assert form["allowed_payment_method_types[0]"] == ["card"]
    assert not any(key.startswith("payment_method_types") for key in form)
    assert version == stripe_gateway.STRIPE_API_VERSION


def test_a_refused_request_is_reported_as_refused_not_unreachable(
    app: Flask, endive: list[tuple[str, dict[str, list[str]], str]]
) -> None:
    with app.test_request_context(), pytest.raises(stripe_gateway.PaymentProviderError) as err:
        stripe_gateway.create_payment_intent(
            amount_minor=10, currency="gbp", metadata={}, idempotency_key="e2"
        )
    assert err.value.code == "amount_too_small"
    assert "smallest card payment" in err.value.message
    assert "reach" not in err.value.message


def test_a_donation_goes_through_localstripe_via_the_translation_layer(
    app: Flask,
    live_server: LiveServer,
    campaign: Campaign,
    localstripe: LocalStripe,
    sent: Sent,
) -> None:
    """The app sends endive's name; localstripe, which knows only the old one, takes it."""
    client = app.test_client()
    response = donate(client, amount="9")
    assert response.status_code == 200, response.json
    [(_, path, params)] = [call for call in sent if call[0] == "post"]
    assert path == "/v1/payment_intents"
    assert params["allowed_payment_method_types"] == ["card"]
    assert "payment_method_types" not in params
    intent_id = response.json["client_secret"].split("_secret_")[0]
    intents = localstripe.client().v1.payment_intents
    intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    assert intents.confirm(intent_id).status == "succeeded"
    assert wait_until(lambda: campaign_totals(app) == (900, 1), timeout=10)
