"""The second step of logging in, for organisers with an authenticator.

After the password is right, `begin` keeps only "who, which session version,
since when and where to go" in the (signed) session and asks for a code; the
organiser is logged in only when `verify_login` accepts it. Counting wrong
codes is done in the database (services/organisers/two_factor.py), so replaying an old
cookie does not reset it.
"""

from __future__ import annotations

import time
from typing import Any

from flask import flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..i18n.forms import Form
from ..models import Organiser
from ..services.organisers import two_factor
from ..services.organisers.two_factor import Outcome
from . import bp, login_session

PENDING = "two_factor_pending"
# Time allowed between the password and the code.
PENDING_SECONDS = 300


class CodeForm(Form):
    code = StringField("Code", validators=[DataRequired(), Length(max=64)])


def begin(organiser: Organiser, target: str) -> ResponseReturnValue:
    """Start the second step for `organiser` (whose password was right)."""
    session.clear()
    session[PENDING] = {
        "id": organiser.id,
        "v": organiser.session_version,
        "at": int(time.time()),
        "next": target,
    }
    return redirect(url_for("auth.two_factor_login"))


def _pending() -> tuple[Organiser, str] | None:
    """The organiser half-way through logging in, if still valid."""
    data: Any = session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if not isinstance(data.get("at"), int) or time.time() - data["at"] > PENDING_SECONDS:
        return None
    organiser = (
        db.session.get(Organiser, data.get("id")) if isinstance(data.get("id"), int) else None
    )
    if organiser is None or not organiser.active or organiser.session_version != data.get("v"):
        return None
    return organiser, str(data.get("next") or "")


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor_login() -> ResponseReturnValue:
    """Ask for the authenticator's code (or a recovery code) after the password."""
    pending = _pending()
    if pending is None:
        session.pop(PENDING, None)
        flash("Please log in again.", "info")
        return redirect(url_for("auth.login"))
    organiser, target = pending
    form = CodeForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            form.form_errors.append("Type the 6-digit code from your authenticator app.")
            return render_template("auth/two_factor_login.html", form=form), 400
        return render_template("auth/two_factor_login.html", form=form)
    outcome = two_factor.verify_login(organiser, form.code.data or "")
    if outcome is Outcome.THROTTLED:
        form.form_errors.append("Too many wrong codes. Wait 15 minutes, then log in again.")
        return render_template("auth/two_factor_login.html", form=form), 429
    if outcome is Outcome.WRONG:
        form.form_errors.append("That code is not right. Try the newest code in your app.")
        return render_template("auth/two_factor_login.html", form=form), 401
    if outcome is Outcome.RECOVERY:
        left = two_factor.remaining_recovery_codes(organiser)
        flash(f"You used a recovery code; {left} left. Make new ones if you are short.", "info")
    two_factor.record_login(organiser)
    return login_session.start(organiser, target)
