"""Defences that sit in front of the app: headers, proxies, card-testing limits.

`init_app` wires them into an app; the pieces live in their own modules:
`headers` (CSP, HSTS, framing), `client_keys` (who is asking, hashed),
`card_testing` (limits on starting payments), `db_limits` (their counts in the
database, one for every worker), `bodies` (400 for bodies the parser cannot
take), `uploads` (the larger bodies a few pages take), `origins` (over HTTPS,
posts come from this host's pages) and `redirects` (same-site only).
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import login_manager
from . import bodies, card_testing, client_keys, headers, origins, uploads


def init_app(app: Flask) -> None:
    """Trust configured proxies, add security headers and the generic refusal."""
    bodies.init_app(app)
    uploads.init_app(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only a proxy we run may say who the client is; without one, a forged
        # X-Forwarded-For would let a card tester pose as many addresses. Only what
        # the documented proxy sets (docs/deploy.md: X-Forwarded-For and -Proto) is
        # trusted: X-Forwarded-Host/-Port/-Prefix from a client are ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0
        )
    headers.init_app(app)
    origins.init_app(app)
    card_testing.init_app(app)
    # Flask-Login has no public setting for it; see client_keys.login_identifier.
    login_manager._session_identifier_generator = client_keys.login_identifier

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> Response:
        # A Host outside ALLOWED_HOSTS: no URL can be built for it, so no error page.
        return Response("That host is not served here.\n", 400, mimetype="text/plain")
