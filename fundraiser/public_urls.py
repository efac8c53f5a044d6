"""The one public base URL for everything seen outside this server.

Emails, Open Graph tags, Stripe's return URL, share links, widget snippets and
QR codes all build their absolute URLs here, from PUBLIC_BASE_URL, which
production requires (config.check_production). The request's Host header is
never used for them in production: it is whatever the client typed, and a
page built from it may be cached and shown to the next visitor, or emailed.
In development without PUBLIC_BASE_URL, a loopback host the browser used
(localhost, 127.0.0.1, ::1) is kept so links work on the machine itself; any
other host gets the development address instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def base_url() -> str:
    """The site's public origin (scheme, host, port), without a trailing slash."""
    configured = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    if configured:
        return configured.rstrip("/")
    if has_request_context() and urlsplit("//" + request.host).hostname in _LOOPBACK:
        return request.host_url.rstrip("/")
    return DEVELOPMENT_BASE_URL


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute public URL of `endpoint`: base_url() plus the endpoint's path."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url() + path
