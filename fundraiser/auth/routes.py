"""GET/POST /login and POST /logout."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import login_manager
from ..models import Organiser
from ..security.redirects import safe_target
from ..services import organisers, two_factor
from . import bp
from . import two_factor as second_step

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see the dashboard."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_organiser(user_id: str) -> Organiser | None:
    return organisers.load(user_id)


class LoginForm(FlaskForm):
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
        form.email.data or "", form.password.data or "", request.remote_addr or "unknown"
    )
    if result.throttled:
        form.form_errors.append(
            "Too many failed attempts. Wait 15 minutes and try again, or ask another organiser."
        )
        return render_template("dashboard/login.html", form=form), 429
    if not result.ok or result.organiser is None:
        form.form_errors.append("That email and password don't match an organiser.")
        return render_template("dashboard/login.html", form=form), 401
    target = _safe_next(request.args.get("next"))
    if two_factor.is_enabled(result.organiser):
        return second_step.begin(result.organiser, target)  # asks for the code first
    # A fresh session at login: nothing from before (CSRF token included) survives.
    session.clear()
    login_user(result.organiser)
    flash("Welcome back.", "info")
    return redirect(target)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    organisers.log_logout(current_user._get_current_object())  # type: ignore[attr-defined]
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
