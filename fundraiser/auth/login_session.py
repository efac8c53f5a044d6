"""Starting an organiser's session: the one place both login steps finish.

The password-only login (auth/routes.py) and the second step with a code
(auth/two_factor.py) both end here, so a fresh session, the idle clock and the
device cookie are set the same way whichever path was taken.
"""

from __future__ import annotations

import time

from flask import flash, redirect, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from ..models import Organiser
from ..security.redirects import safe_target
from . import devices

# When this session last asked for a page (Unix seconds), for the idle expiry.
SEEN_FIELD = "organiser_seen_at"


def start(organiser: Organiser, target: str) -> Response:
    """Log `organiser` in with a fresh session and send them to `target` (a path here)."""
    # Nothing from before the login (CSRF token included) survives it.
    session.clear()
    login_user(organiser)
    session[SEEN_FIELD] = int(time.time())
    flash("Welcome back.", "info")
    response = redirect(safe_target(target, url_for("dashboard.overview")))
    devices.remember(response, organiser.id)
    return response
