"""GET/POST /login and POST /logout; sessions that end and expire when idle."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import login_manager
from ..i18n.forms import Form
from ..models import Organiser
from ..security import client_keys
from ..security.redirects import safe_target
from ..services.organisers import organisers, two_factor
from . import bp, devices, login_session
from . import two_factor as second_step

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see the dashboard."
login_manager.login_message_category = "info"


SEEN_FIELD = login_session.SEEN_FIELD


@login_manager.user_loader
def load_organiser(user_id: str) -> Organiser | None:
    """The logged-in organiser, unless the session was ended or has been idle too long.

    Checked on every request that looks at the login: `organisers.load` refuses a
    cookie whose session version was bumped (logout, password change), and a
    session unused for ORGANISER_IDLE_MINUTES is cleared.
    """
    now = int(time.time())
    seen = session.get(SEEN_FIELD)
    idle = int(current_app.config["ORGANISER_IDLE_MINUTES"]) * 60
    if not isinstance(seen, int) or now - seen > idle:
        session.clear()
        return None
    organiser = organisers.load(user_id)
    if organiser is None:
        session.clear()
        return None
    if now - seen >= 30:  # rewrite the cookie at most twice a minute
        session[SEEN_FIELD] = now
    return organiser


class LoginForm(Form):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


def _safe_next(target: str | None) -> str:
    """Only a path on this site (security.redirects): else the dashboard."""
    return safe_target(target, url_for("dashboard.overview"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        if request.method != "POST":
            return render_template("dashboard/login.html", form=form)
        form.form_errors.append("Enter your email and password.")
        return render_template("dashboard/login.html", form=form), 400
    result = organisers.authenticate(
        form.email.data or "",
        form.password.data or "",
        client_keys.client_address(),
        known_device=devices.known_organiser_id(),
    )
    if result.throttled:
        form.form_errors.append(
            f"Too many failed attempts. Wait {result.retry_after} seconds and try again."
            " A browser you have logged in with before is not held up."
        )
        return render_template("dashboard/login.html", form=form), 429
    if not result.ok or result.organiser is None:
        form.form_errors.append("That email and password don't match an organiser.")
        return render_template("dashboard/login.html", form=form), 401
    target = _safe_next(request.args.get("next"))
    if two_factor.is_enabled(result.organiser):
        return second_step.begin(result.organiser, target)  # asks for the code first
    return login_session.start(result.organiser, target)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    # Ends every copy of this session, and the organiser's other sessions too:
    # a cookie copied before logout opens nothing afterwards.
    organisers.log_out(current_user._get_current_object())  # type: ignore[attr-defined]
    logout_user()
    session.clear()
    flash("You are logged out everywhere.", "info")
    return redirect(url_for("auth.login"))
