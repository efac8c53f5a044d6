"""GET /api/csrf-token: the CSRF token for this visitor's session.

The campaign page is the same for everyone so that caches can share it; the
per-session token it used to carry comes from here instead, when the donor
starts to give. Never cached by anyone.
"""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from . import bp


@bp.get("/csrf-token")
def csrf_token() -> ResponseReturnValue:
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
