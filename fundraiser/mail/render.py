"""Rendering emails from templates/email/*.txt and *.html, with absolute links."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, render_template, request

FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a link in an email.

    PUBLIC_BASE_URL wins (mail is often written by the CLI, with no request);
    otherwise the current request's host, otherwise the development address.
    """
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base and has_request_context():
        base = request.host_url
    if not base:
        base = FALLBACK_BASE_URL
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base.rstrip("/") + path


def render_email(template: str, **context: Any) -> tuple[str, str]:
    """(plain text, HTML) from templates/email/<template>.txt and .html."""
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    return text, html
