"""Helpers for dashboard tests: logging in and posting forms with their CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.http import csrf_token

_FIELD = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')


def login(client: FlaskClient, email: str, password: str, **kw: Any) -> TestResponse:
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kw
    )


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, request keys), by name."""
    return {
        m.group("name"): m.group("value")
        for m in _FIELD.finditer(html)
        if 'type="hidden"' in m.group(0)
    }


def post_form(client: FlaskClient, page: str, action: str, **fields: Any) -> TestResponse:
    """Open `page`, take its hidden fields, and POST them with `fields` to `action`."""
    html = client.get(page).get_data(as_text=True)
    data = {**hidden_fields(html), **fields}
    return client.post(action, data=data)
