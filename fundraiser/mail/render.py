"""Rendering emails from templates/email/*.txt and *.html, with absolute links."""

from __future__ import annotations

from typing import Any

from flask import render_template

from ..public_urls import public_url


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a link in an email: PUBLIC_BASE_URL, never the Host header."""
    return public_url(endpoint, **values)


def render_email(template: str, **context: Any) -> tuple[str, str]:
    """(plain text, HTML) from templates/email/<template>.txt and .html."""
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    return text, html
