"""The device cookie: a browser an organiser has logged in with before.

Set at a successful login, signed with SECRET_KEY (itsdangerous), it names the
organiser and nothing else. It grants no access by itself; it only lets that
browser skip the login delays that guessing from elsewhere builds up
(services/organisers.authenticate), so an attacker cannot keep the owner out.
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "fundraiser_device"
MAX_AGE_SECONDS = 365 * 24 * 3600
_SALT = "organiser-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=_SALT)


def known_organiser_id() -> int | None:
    """The organiser id this browser's valid device cookie names, else None."""
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    organiser_id = data.get("o") if isinstance(data, dict) else None
    return organiser_id if isinstance(organiser_id, int) else None


def remember(response: Response, organiser_id: int) -> None:
    """Mark this browser as one `organiser_id` logs in with (a year, HTTPS-only in production)."""
    value = _serializer().dumps({"o": organiser_id, "n": secrets.token_urlsafe(8)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE_SECONDS,
        path="/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
