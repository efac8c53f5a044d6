"""Pages opened from emailed links: accept an invitation, reset a forgotten password.

Public (no login): the signed, single-use link is the credential. Every
refusal of a link is a 400 (forged, cut short) or 410 (expired, used) page
that changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..i18n.forms import Form
from ..services.organisers import organiser_accounts
from ..services.organisers.organisers import MIN_PASSWORD_LENGTH, OrganiserError
from ..services.tokens import TokenError
from ..views import status_for
from . import bp

_LINK_TOKEN = "<string(maxlength=400):token>"


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1024,
                message=f"The password needs {MIN_PASSWORD_LENGTH} to 1024 characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Type it again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ForgotForm(Form):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])


def _refused(exc: TokenError) -> ResponseReturnValue:
    return render_template("auth/link_refused.html", message=exc.message), status_for(exc)


def _password_page(
    template: str, form: NewPasswordForm, email: str, code: int = 200
) -> ResponseReturnValue:
    return render_template(template, form=form, email=email, campaign=None), code


def _choose_password(
    token: str,
    template: str,
    email_for: Callable[[str], str],
    complete: Callable[[str, str], str],
) -> ResponseReturnValue:
    """The shared shape of both link pages: refuse a bad link, show the form, and on a
    valid new password run `complete(token, password)` (which returns what to flash)
    and send the organiser to log in. Nothing changes unless `complete` succeeds."""
    try:
        email = email_for(token)
    except TokenError as exc:
        return _refused(exc)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _password_page(template, form, email, 400 if form.is_submitted() else 200)
    try:
        done = complete(token, form.password.data or "")
    except TokenError as exc:
        return _refused(exc)
    except OrganiserError as exc:
        form.form_errors.append(str(exc))
        return _password_page(template, form, email, 400)
    flash(done, "info")
    return redirect(url_for("auth.login"))


@bp.route(f"/invite/{_LINK_TOKEN}", methods=["GET", "POST"])
def accept_invite(token: str) -> ResponseReturnValue:
    """Choose a password for an invited account; then log in as usual."""

    def accept(token: str, password: str) -> str:
        organiser = organiser_accounts.accept_invite(token, password)
        return f"Your account {organiser.email} is ready. Log in with your new password."

    return _choose_password(
        token,
        "auth/accept_invite.html",
        lambda t: organiser_accounts.open_invite(t).email,
        accept,
    )


@bp.route("/login/forgot", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    form = ForgotForm()
    if not form.validate_on_submit():
        code = 400 if form.is_submitted() else 200
        return render_template("auth/forgot.html", form=form, sent=False, campaign=None), code
    organiser_accounts.request_reset(form.email.data or "")
    return render_template("auth/forgot.html", form=form, sent=True, campaign=None)


@bp.route(f"/login/reset/{_LINK_TOKEN}", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password through a reset link; every open session ends."""

    def reset(token: str, password: str) -> str:
        organiser_accounts.complete_reset(token, password)
        return "Your password is changed. Log in with it."

    return _choose_password(
        token, "auth/reset.html", lambda t: organiser_accounts.open_reset(t).email, reset
    )
