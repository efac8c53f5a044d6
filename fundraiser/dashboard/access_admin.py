"""Who has access, from the Organisers page: invite by email, deactivate, reactivate.

Organisers of the whole campaign only (like every page not marked
@team_view). The list itself is dashboard/organisers.py's page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..i18n.forms import Form
from ..models import Organiser
from ..services.organisers import organiser_accounts
from ..services.organisers.organisers import OrganiserError
from ..services.organisers.scope import Scope
from ..services.teams import teams
from . import bp
from .common import campaign_or_404, organiser
from .organisers import render_page


class InviteForm(Form):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    team = SelectField("Sees", choices=[("", "the whole campaign")], validate_choice=True)


def invite_form() -> InviteForm:
    """The invitation form, with the current campaign's teams to choose from."""
    form = InviteForm(prefix="invite")
    campaign = campaign_or_404()
    form.team.choices = [("", "the whole campaign")] + [
        (t.slug, f"team {t.name} only") for t in teams.listing(Scope(campaign.id))
    ]
    return form


def _back() -> ResponseReturnValue:
    return redirect(url_for("dashboard.organisers_list"))


@bp.post("/organisers/invite")
def organiser_invite() -> ResponseReturnValue:
    """Email a single-use invitation link to a new organiser."""
    form = invite_form()
    if not form.validate():
        flash("Type the new organiser's email and choose what they see.", "error")
        return render_page(campaign_or_404(), 400)
    campaign = campaign_or_404()
    team = teams.by_slug(campaign, form.team.data) if form.team.data else None
    try:
        sent = organiser_accounts.invite(form.email.data or "", team=team, by=organiser())
    except OrganiserError as exc:
        flash(str(exc), "error")
        return render_page(campaign_or_404(), 400)
    days = (sent.link.expires_at - sent.link.created_at).days
    flash(f"Invitation emailed to {sent.link.email}; the link works once, for {days} days.", "info")
    return _back()


def _account(organiser_id: int) -> Organiser:
    return db.session.get(Organiser, organiser_id) or abort(
        404, description="There is no such organiser."
    )


def _set_active(organiser_id: int, active: bool) -> ResponseReturnValue:
    account = _account(organiser_id)
    try:
        organiser_accounts.set_active(account, active, by=organiser())
    except OrganiserError as exc:
        flash(str(exc), "error")
        return render_page(campaign_or_404(), 400)
    word = "can log in again" if active else "is deactivated: they cannot log in"
    flash(f"{account.email} {word}.", "info")
    return _back()


@bp.post("/organisers/<int:organiser_id>/deactivate")
def organiser_deactivate(organiser_id: int) -> ResponseReturnValue:
    """Stop an organiser logging in; their open sessions end at once."""
    return _set_active(organiser_id, False)


@bp.post("/organisers/<int:organiser_id>/reactivate")
def organiser_reactivate(organiser_id: int) -> ResponseReturnValue:
    return _set_active(organiser_id, True)


@bp.post("/organisers/invites/<int:link_id>/revoke")
def organiser_invite_revoke(link_id: int) -> ResponseReturnValue:
    link = organiser_accounts.revoke_invite(link_id, by=organiser())
    if link is None:
        abort(404, description="There is no such pending invitation.")
    flash(f"The invitation to {link.email} no longer works.", "info")
    return _back()
