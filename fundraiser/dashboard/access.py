"""Who may open which dashboard page: team organisers see only pages marked for teams.

A team organiser (`Organiser.team_id` set) gets 403 on every dashboard page
not marked `@team_view`, so a page added later is campaign-only until someone
marks it and scopes its queries. Pages marked `@team_view` take what they
show from `current_scope()`, whose where-clauses limit every query to the
organiser's team (fundraiser/services/organisers/scope.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..errors import respond
from ..services.organisers.scope import Scope, ScopeError, for_organiser
from . import bp
from .common import campaign_or_404, organiser

TEAM_VIEW_ATTR = "team_view"
F = TypeVar("F", bound=Callable[..., Any])


def team_view(view: F) -> F:
    """Mark a view as open to team organisers: it must show only `current_scope()`."""
    setattr(view, TEAM_VIEW_ATTR, True)
    return view


def may_open(endpoint: str) -> bool:
    """Whether the logged-in organiser may open the dashboard page `endpoint`."""
    if not current_user.is_authenticated:
        return False
    if current_user.team_id is None:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, TEAM_VIEW_ATTR, False))


@bp.before_request
def limit_team_organisers() -> ResponseReturnValue | None:
    # Runs after require_organiser (registered first), so the user is known.
    if current_user.is_authenticated and not may_open(request.endpoint or ""):
        abort(403, description="This page is for organisers of the whole campaign.")
    return None


@bp.errorhandler(ScopeError)
def outside_scope(exc: ScopeError) -> ResponseReturnValue:
    # A service refused what the page should not have offered: same answer as a page.
    return respond(403, str(exc))


def current_scope() -> Scope:
    """What the logged-in organiser may see of the current campaign."""
    return for_organiser(organiser(), campaign_or_404().id)
