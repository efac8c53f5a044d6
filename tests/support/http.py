"""Helpers for talking to the app as a browser would, without a browser."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token the page at `path` gives this client's session."""
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {page.status_code})"
    return match.group(1)


def donate(client: FlaskClient, token: str | None = None, **fields: Any) -> TestResponse:
    """POST /donate with JSON, as the page's script does."""
    body = {"amount": "4.00", "display_name": "", "name_public": False, "message": "", "email": ""}
    body.update(fields)
    token = token if token is not None else csrf_token(client)
    return client.post(
        "/donate", json=body, headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
