"""Security headers on every response: CSP, framing, HSTS, nosniff, referrer.

The Content-Security-Policy allows this site and Stripe.js, nothing else from
outside (per Stripe's security guide), and no inline script. It is built from
STRIPE_JS_URL and STRIPE_API_BASE, so the offline emulator's origin takes
Stripe's place in development and tests. Pages are unframeable unless their
view is marked `@embeddable`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, request

STRIPE_API_ORIGIN = "https://api.stripe.com"
STRIPE_HOOKS_ORIGIN = "https://hooks.stripe.com"
HSTS = "max-age=63072000; includeSubDomains"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
# The mark a framable view (or its response) carries; the same name issue 7's
# widgets/embedding.py uses, so either decorator is honoured here.
EMBEDDABLE_ATTR = "embeddable"

F = TypeVar("F", bound=Callable[..., Any])


def embeddable(view: F) -> F:
    """Mark a view as meant to be shown in other sites' frames (e.g. an embed widget)."""
    setattr(view, EMBEDDABLE_ATTR, True)
    return view


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: Mapping[str, Any], *, embeddable: bool = False) -> str:
    """The CSP for this configuration; `embeddable` opens frame-ancestors."""
    js = origin(config["STRIPE_JS_URL"])
    api = origin(config["STRIPE_API_BASE"]) if config.get("STRIPE_API_BASE") else STRIPE_API_ORIGIN
    js_sources = [js]
    if js == "https://js.stripe.com":
        js_sources.append("https://*.js.stripe.com")  # Stripe.js loads its parts from there
    ancestors = (config.get("EMBED_FRAME_ANCESTORS") or "*") if embeddable else "'none'"
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *js_sources],
        "frame-src": [*js_sources, STRIPE_HOOKS_ORIGIN],
        "connect-src": ["'self'", api],
        "img-src": ["'self'", "data:", "https://*.stripe.com"],
        # Stripe.js sets inline styles on the frames it inserts; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [ancestors],
    }
    return "; ".join(
        f"{name} {' '.join(dict.fromkeys(values))}" for name, values in directives.items()
    )


def init_app(app: Flask) -> None:
    policies = {
        flag: content_security_policy(app.config, embeddable=flag) for flag in (False, True)
    }

    @app.after_request
    def security_headers(response: Response) -> Response:
        view = app.view_functions.get(request.endpoint or "")
        framed = bool(
            getattr(view, EMBEDDABLE_ATTR, False) or getattr(response, EMBEDDABLE_ATTR, False)
        )
        headers = response.headers
        # setdefault: a view that sets its own, stricter policy (an embed page) keeps it.
        headers.setdefault("Content-Security-Policy", policies[framed])
        if not framed:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
