"""Card-testing defence: what stops a stolen-card checker before Stripe is called.

Four checks, all before any PaymentIntent is created:
1. rate limits per address and per session on POST /donate (`limit_donations`);
2. a honeypot field people never see (`website` in donate_form.py);
3. one open intent per session, reused for repeated clicks
   (services/donations/donation_intake.py);
4. a cool-down after repeated declines from one address or session
   (services/donations/donation_intake.py).
Every refusal is the same `refusal()`: one status, one sentence, no headers that
tell a tester which check tripped or how far the limit is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from flask_limiter.errors import RateLimitExceeded

from ..errors import respond
from ..extensions import limiter
from . import client_keys

_STARTS_PAYMENTS = "_fundraiser_starts_payments"
_LIMITED = "_fundraiser_rate_limited"  # set on every view given a limit here
REFUSAL_STATUS = 429
REFUSAL_MESSAGE = lazy_gettext(
    "We can't start a card payment from here just now. Nothing was charged. Please try again later."
)

F = TypeVar("F", bound=Callable[..., Any])


def refusal() -> ResponseReturnValue:
    """The one answer every card-testing check gives."""
    return jsonify(error=str(REFUSAL_MESSAGE)), REFUSAL_STATUS


def _address_limits() -> str:
    return str(current_app.config["DONATE_LIMITS_PER_ADDRESS"])


def _session_limits() -> str:
    return str(current_app.config["DONATE_LIMITS_PER_SESSION"])


def limit_donations(view: F) -> F:
    """Apply the per-address and per-session limits to a view that starts payments."""
    per_session = limiter.limit(
        _session_limits, key_func=client_keys.session_key, scope="donate-session"
    )
    per_address = limiter.limit(
        _address_limits, key_func=client_keys.address_key, scope="donate-address"
    )
    limited = per_address(per_session(view))
    setattr(limited, _STARTS_PAYMENTS, True)
    setattr(limited, _LIMITED, True)
    return limited  # type: ignore[return-value]


def limit_pledges(view: F) -> F:
    """Per-address limits on a view that sends mail to a typed address (a pledge)."""
    limited = limiter.limit(
        lambda: str(current_app.config["PLEDGE_LIMITS_PER_ADDRESS"]),
        key_func=client_keys.address_key,
        scope="pledge-address",
    )(view)
    setattr(limited, _LIMITED, True)
    return limited  # type: ignore[return-value]


@limiter.request_filter
def unlimited() -> bool:
    """True (Flask-Limiter skips the request) for a view with no limit of ours.

    Only the views above have limits, and there are no default or
    application-wide ones; without this the limiter still works out, on every
    request (each webhook among them), that nothing applies. Should defaults
    ever be configured, every request is checked again.
    """
    cfg = current_app.config
    if cfg.get("RATELIMIT_DEFAULT") or cfg.get("RATELIMIT_APPLICATION"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, _LIMITED, False)


def init_app(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def limited(exc: RateLimitExceeded) -> ResponseReturnValue:
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, _STARTS_PAYMENTS, False):
            app.logger.warning("donation refused: rate limit")
            return refusal()
        return respond(429, gettext("Too many requests. Please wait a moment and try again."))
