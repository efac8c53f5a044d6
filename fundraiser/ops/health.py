"""GET /healthz for load balancers: 200 when this process can use the database."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import bp


def database_ok() -> bool:
    """True when a trivial query succeeds; never raises."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", exc)
        return False


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    ok = database_ok()
    response = jsonify(status="ok" if ok else "unavailable", database="ok" if ok else "down")
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
