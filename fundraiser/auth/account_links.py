"""Pages opened from emailed links: accept an invitation, reset a forgotten password.

Public (no login): the signed, single-use link is the credential. Every
refusal of a link is a 400 (forged, cut short) or 410 (expired, used) page
that changes nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..services.organisers import organiser_accounts
from ..services.organisers.organisers import MIN_PASSWORD_LENGTH, OrganiserError
from ..services.tokens import TokenError
from ..views import status_for
from . import bp

_LINK_TOKEN = "<string(maxlength=400):token>"


class NewPasswordForm(FlaskForm):
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


class ForgotForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])


def _refused(exc: TokenError) -> ResponseReturnValue:
    return render_template("auth/link_refused.html", message=exc.message), status_for(exc)


def _password_page(
    template: str, form: NewPasswordForm, email: str, code: int = 200
) -> ResponseReturnValue:
    return render_template(template, form=form, email=email, campaign=None), code


@bp.route(f"/invite/{_LINK_TOKEN}", methods=["GET", "POST"])
def accept_invite(token: str) -> ResponseReturnValue:
    """Choose a password for an invited account; then log in as usual."""
    try:
        link = organiser_accounts.open_invite(token)
    except TokenError as exc:
        return _refused(exc)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        code = 400 if form.is_submitted() else 200
        return _password_page("auth/accept_invite.html", form, link.email, code)
    try:
        organiser = organiser_accounts.accept_invite(token, form.password.data or "")
    except TokenError as exc:
        return _refused(exc)
    except OrganiserError as exc:
        form.form_errors.append(str(exc))
        return _password_page("auth/accept_invite.html", form, link.email, 400)
    flash(f"Your account {organiser.email} is ready. Log in with your new password.", "info")
    return redirect(url_for("auth.login"))


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
    try:
        organiser = organiser_accounts.open_reset(token)
    except TokenError as exc:
        return _refused(exc)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        code = 400 if form.is_submitted() else 200
        return _password_page("auth/reset.html", form, organiser.email, code)
    try:
        organiser_accounts.complete_reset(token, form.password.data or "")
    except TokenError as exc:
        return _refused(exc)
    except OrganiserError as exc:
        form.form_errors.append(str(exc))
        return _password_page("auth/reset.html", form, organiser.email, 400)
    flash("Your password is changed. Log in with it.", "info")
    return redirect(url_for("auth.login"))
