"""The organiser's own two-factor login: set it up, replace recovery codes, turn it off.

Open to every organiser (team organisers too: it shows nothing of the
campaign). With REQUIRE_2FA set, an organiser of the whole campaign who has
not set it up is sent here from every other dashboard page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..i18n.forms import Form
from ..services.organisers import two_factor
from ..services.organisers.two_factor import TwoFactorError
from . import bp
from .access import team_view
from .common import organiser

# Pages an organiser who must still enrol may open.
_ENROL_ENDPOINTS = frozenset(
    {"dashboard.two_factor", "dashboard.two_factor_start", "dashboard.two_factor_confirm"}
)


class CodeForm(Form):
    code = StringField("Code from the app", validators=[DataRequired(), Length(max=64)])


@bp.before_request
def require_two_factor() -> ResponseReturnValue | None:
    # Registered after require_organiser and the team check, so the user is known.
    if not current_user.is_authenticated or request.endpoint in _ENROL_ENDPOINTS:
        return None
    me = organiser()
    if two_factor.required(me) and not two_factor.is_enabled(me):
        flash("Set up two-factor login to use the dashboard.", "info")
        return redirect(url_for("dashboard.two_factor"))
    return None


def _page(
    codes: list[str] | None = None, code: int = 200, form: CodeForm | None = None
) -> ResponseReturnValue:
    """The two-factor page; `codes` are fresh recovery codes to show this once."""
    me = organiser()
    return (
        render_template(
            "dashboard/two_factor.html",
            enabled=two_factor.is_enabled(me),
            required=two_factor.required(me),
            pending=two_factor.pending_enrolment(me),
            remaining=two_factor.remaining_recovery_codes(me),
            recovery_codes=codes,
            form=form or CodeForm(),
        ),
        code,
    )


@bp.get("/two-factor", endpoint="two_factor")
@team_view
def two_factor_page() -> ResponseReturnValue:
    return _page()


@bp.post("/two-factor/start")
@team_view
def two_factor_start() -> ResponseReturnValue:
    """Make a new secret and show its QR code; nothing changes at login yet."""
    try:
        two_factor.begin_enrolment(organiser())
    except TwoFactorError as exc:
        flash(str(exc), "error")
        return _page(code=400)
    return _page()


@bp.post("/two-factor/confirm")
@team_view
def two_factor_confirm() -> ResponseReturnValue:
    """Turn it on with one right code; shows the recovery codes once."""
    form = CodeForm()
    if not form.validate():
        flash("Type the 6-digit code your app shows.", "error")
        return _page(code=400, form=form)
    try:
        codes = two_factor.confirm_enrolment(organiser(), form.code.data or "")
    except TwoFactorError as exc:
        flash(str(exc), "error")
        return _page(code=400, form=form)
    flash("Two-factor login is on.", "info")
    return _page(codes)


@bp.post("/two-factor/recovery-codes")
@team_view
def two_factor_recovery_codes() -> ResponseReturnValue:
    """New recovery codes, after a right code from the app (the old ones stop working)."""
    form = CodeForm()
    me = organiser()
    if not form.validate() or not two_factor.check_code(me, form.code.data or ""):
        flash("That code is not right.", "error")
        return _page(code=400)
    try:
        codes = two_factor.regenerate_recovery_codes(me)
    except TwoFactorError as exc:
        flash(str(exc), "error")
        return _page(code=400)
    flash("New recovery codes made; the old ones no longer work.", "info")
    return _page(codes)


@bp.post("/two-factor/disable")
@team_view
def two_factor_disable() -> ResponseReturnValue:
    """Turn it off, after a right code (a session alone is not enough)."""
    form = CodeForm()
    me = organiser()
    if not two_factor.is_enabled(me):
        return redirect(url_for("dashboard.two_factor"))
    if not form.validate() or not two_factor.check_code(me, form.code.data or ""):
        flash("That code is not right.", "error")
        return _page(code=400)
    two_factor.disable(me, by=me)
    flash("Two-factor login is off.", "info")
    return redirect(url_for("dashboard.two_factor"))
