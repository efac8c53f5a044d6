"""The one module that imports `stripe`. Everything else calls these functions.

Functions here say whether they move money. Stripe objects never leave this
module: callers get plain dicts and small dataclasses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
import stripe
from flask import current_app
from flask_babel import gettext

SIGNATURE_TOLERANCE_SECONDS = 300
# The one place the API version is chosen: the version stripe-python 16.1.0 was
# generated for (stripe/_api_version.py). Every request carries it, the webhook
# endpoint must be created with it (docs/deploy.md), and the request parameters
# below are checked against this SDK's typed params (tests/test_stripe_contract.py).
STRIPE_API_VERSION = "2026-10-28.endive"
# Card only. Since endive `payment_method_types` is refused with a 400;
# `allowed_payment_method_types` (dahlia, 2026-07-29) is its replacement.
CARD_ONLY = ["card"]


class _HttpClient(stripe.RequestsClient):
    """stripe's requests client with sessions that don't re-read the environment.

    A requests session with `trust_env` scans every environment variable for proxy
    settings on each call (about half a millisecond of CPU per Stripe call, in a
    burst of donors); here the proxy is resolved once, when the client is built,
    from the same HTTPS_PROXY / NO_PROXY variables. The certificate bundle is the
    one stripe names on every call either way. One session per thread, as stripe's.
    """

    def __init__(self, api_base: str, **kwargs: Any) -> None:
        proxies = requests.utils.get_environ_proxies(api_base)
        super().__init__(proxy=proxies or None, **kwargs)

    def _request_internal(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if getattr(self._thread_local, "session", None) is None:
            session = requests.Session()
            session.trust_env = False
            self._thread_local.session = session
        return super()._request_internal(*args, **kwargs)


class PaymentProviderError(Exception):
    """Stripe could not be reached or refused the request; `message` is for donors."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SignatureError(Exception):
    """A webhook body whose signature is missing, wrong, or too old or new."""


@dataclass(frozen=True, slots=True)
class IntentRef:
    id: str
    client_secret: str


def client() -> stripe.StripeClient:
    """The app's Stripe client, built once per app from its configuration.

    Every call has a deadline well under gunicorn's worker timeout: each attempt
    may take STRIPE_CONNECT_TIMEOUT to connect and STRIPE_READ_TIMEOUT for the
    answer, and a timed-out attempt is retried STRIPE_MAX_NETWORK_RETRIES times
    (with the same idempotency key, so a retry never makes a second intent);
    then the call raises PaymentProviderError. Safe to share between threads:
    the requests client keeps one HTTP session per thread.
    """
    ext = current_app.extensions
    cached = ext.get("stripe_client")
    if cached is None:
        cfg = current_app.config
        api_base = cfg.get("STRIPE_API_BASE")
        http_client = _HttpClient(
            api_base or stripe.DEFAULT_API_BASE,
            timeout=(float(cfg["STRIPE_CONNECT_TIMEOUT"]), float(cfg["STRIPE_READ_TIMEOUT"])),
        )
        kwargs: dict[str, Any] = {
            "max_network_retries": int(cfg["STRIPE_MAX_NETWORK_RETRIES"]),
            "http_client": http_client,
            "stripe_version": STRIPE_API_VERSION,
        }
        if api_base:
            kwargs["base_addresses"] = {"api": api_base}
        cached = stripe.StripeClient(cfg["STRIPE_SECRET_KEY"] or "sk_unset", **kwargs)
        ext["stripe_client"] = cached
    return cached


def live_mode() -> bool:
    """True when the configured secret key is a live one (events must then say livemode)."""
    key = str(current_app.config.get("STRIPE_SECRET_KEY") or "")
    return key.startswith(("sk_live_", "rk_live_"))


def _provider_error(exc: stripe.StripeError) -> PaymentProviderError:
    """Say in plain words what went wrong: a card refusal, a refused request, or no answer.

    Only the error's class, status and code are logged: Stripe's message may
    quote what the donor typed.
    """
    current_app.logger.warning(
        "stripe error: %s status=%s code=%s",
        type(exc).__name__,
        getattr(exc, "http_status", None),
        getattr(exc, "code", None),
    )
    code = getattr(exc, "code", None)
    if isinstance(exc, stripe.CardError):
        return PaymentProviderError(
            exc.user_message or gettext("Your card was declined."), code=code
        )
    if isinstance(exc, stripe.InvalidRequestError) and code == "amount_too_small":
        return PaymentProviderError(
            gettext(
                "That amount is below the smallest card payment we can take. Nothing was charged."
            ),
            code=code,
        )
    if isinstance(exc, (stripe.InvalidRequestError, stripe.IdempotencyError)):
        # Stripe answered and refused the request: retrying the same one won't help.
        return PaymentProviderError(
            gettext(
                "The payment provider refused this payment request. Nothing was charged; "
                "please try a different amount or contact the organisers."
            ),
            code=code,
        )
    if isinstance(exc, (stripe.AuthenticationError, stripe.PermissionError)):
        return PaymentProviderError(
            gettext("Card payments are not set up correctly here yet. Nothing was charged."),
            code=code,
        )
    if isinstance(exc, stripe.RateLimitError):
        return PaymentProviderError(
            gettext(
                "The payment provider is busy. Nothing was charged; please try again in a minute."
            ),
            code=code,
        )
    return PaymentProviderError(
        gettext("We couldn't reach the payment provider. Nothing was charged; please try again."),
        code=code,
    )


def create_payment_intent(
    *, amount_minor: int, currency: str, metadata: dict[str, str], idempotency_key: str
) -> IntentRef:
    """Create a card PaymentIntent. Moves no money: the donor's browser confirms it.

    Sends the configured STATEMENT_DESCRIPTOR_SUFFIX (what the donor's statement
    shows) when there is one; no description, no receipt email, nothing personal.
    """
    params: stripe.params.PaymentIntentCreateParams = {
        "amount": amount_minor,
        "currency": currency,
        "allowed_payment_method_types": CARD_ONLY,
        "metadata": metadata,
    }
    suffix = current_app.config.get("STATEMENT_DESCRIPTOR_SUFFIX") or ""
    if suffix:
        params["statement_descriptor_suffix"] = suffix
    try:
        intent = client().v1.payment_intents.create(
            params=params,
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    return IntentRef(id=intent.id, client_secret=intent["client_secret"])


def retrieve_payment_intent(intent_id: str) -> dict[str, Any]:
    """Stripe's current view of an intent, as a plain dict. Moves no money."""
    try:
        return client().v1.payment_intents.retrieve(intent_id).to_dict()
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def create_refund(
    *, payment_intent_id: str, amount_minor: int, metadata: dict[str, str], idempotency_key: str
) -> dict[str, Any]:
    """Refund `amount_minor` of a succeeded intent. MOVES MONEY back to the donor.

    Returns the refund as a plain dict (id, amount, currency, status,
    payment_intent, charge). Raises PaymentProviderError when Stripe refuses.
    """
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_minor,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        current_app.logger.warning("stripe refund error: %s", exc)
        raise PaymentProviderError(
            exc.user_message or "Stripe refused the refund: " + str(exc.code or "error"),
            code=exc.code,
        ) from exc
    return refund.to_dict()


def charge_payment_intent(charge_id: str) -> str | None:
    """The PaymentIntent id a charge belongs to, asked of Stripe. Moves no money."""
    try:
        charge = client().v1.charges.retrieve(charge_id).to_dict()
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc
    intent = charge.get("payment_intent")
    return intent if isinstance(intent, str) else None


def find_payment_intent(intent_id: str) -> dict[str, Any] | None:
    """Stripe's current view of an intent, or None if Stripe has no such intent.

    Raises PaymentProviderError when Stripe can't be asked. Moves no money.
    """
    try:
        return client().v1.payment_intents.retrieve(intent_id).to_dict()
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise _provider_error(exc) from exc
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def cancel_payment_intent(intent_id: str) -> bool:
    """Cancel an unpaid intent so nobody can confirm it again. Moves no money.

    Returns False (and logs) when Stripe refuses or can't be reached: the caller
    has nothing to undo.
    """
    try:
        client().v1.payment_intents.cancel(intent_id)
    except stripe.StripeError as exc:
        current_app.logger.warning("could not cancel %s: %s", intent_id, exc)
        return False
    return True


def list_payment_intents() -> Iterator[dict[str, Any]]:
    """Every PaymentIntent on the account, newest first, with `latest_charge` expanded
    (it says what was refunded), as dicts. Moves no money.
    """
    params = {"limit": 100, "expand": ["data.latest_charge"]}
    return _every_page(client().v1.payment_intents.list, params)


def list_disputes(charge_id: str) -> Iterator[dict[str, Any]]:
    """Every dispute on one charge, with its balance transactions, as dicts. Moves no money."""
    return _every_page(client().v1.disputes.list, {"limit": 100, "charge": charge_id})


def _every_page(list_page: Callable[..., Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Follow Stripe's `starting_after` paging through a list call, yielding dicts."""
    params = dict(params)
    try:
        while True:
            page = list_page(params=params)
            for item in page.data:
                yield item.to_dict()
            if not page.has_more or not page.data:
                return
            params["starting_after"] = page.data[-1].id
    except stripe.StripeError as exc:
        raise _provider_error(exc) from exc


def verify_event(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """Return the event in `payload` if Stripe signed it within the tolerance.

    Raises SignatureError otherwise. Parses JSON only after the signature holds.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not secret or not signature_header:
        raise SignatureError("missing signature")
    try:
        text = payload.decode("utf-8")
        _refuse_future_timestamp(signature_header)
        stripe.WebhookSignature.verify_header(
            text, signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(text)
    # RecursionError: JSON nested thousands deep is a bad request, not a crash.
    except (
        stripe.SignatureVerificationError,
        UnicodeDecodeError,
        ValueError,
        RecursionError,
    ) as exc:
        raise SignatureError(str(exc)) from exc
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise SignatureError("not an event")
    return event


def _refuse_future_timestamp(header: str) -> None:
    """The SDK refuses old signatures only; a replay window must close both ways."""
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if (
            key == "t"
            and value.isdigit()
            and int(value) > time.time() + SIGNATURE_TOLERANCE_SECONDS
        ):
            raise SignatureError("signature timestamp is in the future")


def list_events(event_type: str, created_gte: int | None = None) -> Iterator[dict[str, Any]]:
    """Every event of `event_type` created at or after `created_gte`, as dicts.

    Stripe lists newest first; callers must not rely on order. Moves no money.
    """
    params: dict[str, Any] = {"limit": 100, "type": event_type}
    if created_gte is not None:
        params["created"] = {"gte": created_gte}
    return _every_page(client().v1.events.list, params)


def emulator_confirm(intent_id: str, payment_method: str) -> dict[str, str | None]:
    """Attach a card and confirm, as Stripe.js does inside Stripe. MOVES MONEY.

    Only the offline demo (localstripe) uses this; see fundraiser.devtools.
    Returns {"status", "error_code", "error_message"} for the browser shim.
    """
    intents = client().v1.payment_intents
    try:
        intents.update(intent_id, params={"payment_method": payment_method})
        intent = intents.confirm(intent_id)
    except stripe.StripeError as exc:  # a decline is a CardError (402)
        return {
            "status": intents.retrieve(intent_id).status,
            "error_code": exc.code,
            "error_message": exc.user_message or str(exc),
        }
    return {"status": intent.status, "error_code": None, "error_message": None}
