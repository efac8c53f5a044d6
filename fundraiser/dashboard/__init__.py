"""The organisers' dashboard. Every route here requires a logged-in organiser.

Login is enforced once, for the whole blueprint, in `before_request`, so a
new page cannot forget it; tests/integration/organisers/test_login_required.py walks the
URL map to prove it for every route that is not deliberately public.
"""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.before_request
def require_organiser() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_request
def never_cache(response: Response) -> Response:
    # Donor names and emails: no shared cache or back-button copy may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


# One module a line (the trailing comma keeps it so), so areas merge without conflicts.
from . import (  # noqa: E402,F401
    access,
    access_admin,
    cover,
    donations,
    links,
    matching,
    messages,
    milestones,
    offline_money,
    organisers,
    outbox,
    overview,
    pledges,
    read,
    settings,
    stream,
    teams,
    transfers,
    two_factor,
    updates,
    who_and_where,
    widgets,
)
