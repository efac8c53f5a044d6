"""Helpers for talking to the app as a browser would, without a browser."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token this client's session gets for the page at `path`.

    From the page's meta tag, or, for a page shared by every visitor (the
    campaign page), from /api/csrf-token as its script does.
    """
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    if match:
        return match.group(1)
    assert page.status_code == 200, f"no CSRF token on {path} (status {page.status_code})"
    response = client.get("/api/csrf-token")
    assert response.status_code == 200 and response.json, "no CSRF token from /api/csrf-token"
    return str(response.json["csrf_token"])


def donate(client: FlaskClient, token: str | None = None, **fields: Any) -> TestResponse:
    """POST /donate with JSON, as the page's script does."""
    body = {"amount": "4.00", "display_name": "", "name_public": False, "message": "", "email": ""}
    body.update(fields)
    token = token if token is not None else csrf_token(client)
    return client.post(
        "/donate", json=body, headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
