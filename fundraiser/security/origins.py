"""Over HTTPS, a form or API post must come from a page of this very host.

Flask-WTF's own HTTPS check (WTF_CSRF_SSL_STRICT, turned off in config.py) reads
only the Referer: a donor whose browser or privacy tool strips it could never
give, and a malformed Referer (a port out of range, an unclosed IPv6 bracket)
made `urlparse` raise, a 500. This check reads `Origin` first, which browsers
send with every POST (with `null` only where the page asked for no referrer),
then the Referer, as Django does; anything unreadable counts as elsewhere.
It runs after Flask-WTF's token check, on the requests that check passed.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_wtf.csrf import CSRFError

logger = logging.getLogger(__name__)


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of `url`, default port filled in; None when unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or {"https": 443, "http": 80}.get(scheme, 0)


def from_this_host(url: str) -> bool:
    """True when `url` (an Origin or a Referer) names this request's https host."""
    found = _origin_of(url)
    return found is not None and found == _origin_of(f"https://{request.host}/")


def refusal() -> str | None:
    """Why this HTTPS post must be refused as sent from elsewhere, or None."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return None if from_this_host(origin) else "The origin does not match the host."
    referrer = request.headers.get("Referer")
    if not referrer:
        return "Neither an origin nor a referrer was sent."
    return None if from_this_host(referrer) else "The referrer does not match the host."


def init_app(app: Flask) -> None:
    """Check the origin of HTTPS posts whose CSRF token Flask-WTF accepted.

    Registered after `csrf.init_app` (create_app), so it runs after the token check.
    """

    @app.before_request
    def same_origin_over_https() -> None:
        # Flask-WTF marks g.csrf_valid once it has checked a post's token; it skips
        # safe methods and the views it exempts (the Stripe webhook), and so does this.
        if not g.get("csrf_valid") or not request.is_secure:
            return
        reason = refusal()
        if reason is not None:
            logger.info("CSRF refused: %s", reason)  # fixed words: nothing a visitor sent
            raise CSRFError(reason)
