"""Reading messages on air: each host gets the oldest approved message nobody holds."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from ..services.moderation import on_air
from ..services.moderation.on_air import OnAirConflict, OnAirError
from . import bp
from .access import current_scope, team_view
from .common import campaign_or_404, organiser

# This browser's desk: who holds a claim, so two hosts on one account differ.
DESK_KEY = "on_air_desk"
# After these, the host gets the next message at once; "release" means they step away.
NEXT_AFTER = ("read", "skip", "pin")


def _desk() -> str:
    desk = session.get(DESK_KEY)
    if not (isinstance(desk, str) and len(desk) == 32):
        desk = session[DESK_KEY] = secrets.token_hex(16)
    return desk


def _page(status: int = 200) -> ResponseReturnValue:
    return render_template(
        "dashboard/read.html",
        campaign=campaign_or_404(),
        reading=on_air.reading(current_scope(), _desk()),
        claim_minutes=on_air.CLAIM_MINUTES,
    ), status


@bp.get("/read")
@team_view
def read_on_air() -> ResponseReturnValue:
    """The host's view (opening it takes nothing): pinned messages, theirs, how many wait."""
    return _page()


@bp.post("/read/next")
@team_view
def read_next() -> ResponseReturnValue:
    """Take the oldest free message (CSRF is checked app-wide)."""
    if on_air.claim_next(current_scope(), _desk(), organiser()) is None:
        flash("No message is waiting: every approved one is read or with another host.", "info")
    return redirect(url_for("dashboard.read_on_air")), 303


@bp.post("/read/<public_id>")
@team_view
def read_act(public_id: str) -> ResponseReturnValue:
    """Read, skip, pin, unpin or put back one message; then the next one, if reading on."""
    action = request.form.get("action", "")
    scope = current_scope()
    try:
        on_air.act(scope, public_id, action, _desk(), organiser())
    except OnAirError as exc:
        flash(exc.message, "error")
        return _page(400)
    except OnAirConflict as exc:
        flash(exc.message, "error")
        return _page(409)
    if action in NEXT_AFTER:
        on_air.claim_next(scope, _desk(), organiser())
    return redirect(url_for("dashboard.read_on_air")), 303
