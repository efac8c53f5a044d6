"""Organisers and what each may see: the whole campaign, or one team.

Here an organiser of the whole campaign sees who has access (last login,
two-factor, active or not) and limits another to a team (or lifts the limit);
invitations and deactivation are dashboard/access_admin.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from ..models import Campaign, Organiser
from ..services.organisers import organiser_accounts, organisers
from ..services.organisers.organisers import OrganiserError
from ..services.organisers.scope import Scope
from ..services.teams import teams
from . import bp
from .common import campaign_or_404, organiser
from .team_forms import OrganiserTeamForm


def _choices(campaign: Campaign) -> list[tuple[str, str]]:
    return [(t.slug, f"team {t.name} only") for t in teams.listing(Scope(campaign.id))]


def render_page(campaign: Campaign, code: int = 200) -> ResponseReturnValue:
    """The Organisers page (with `code`, e.g. 400 after a refused form)."""
    from .access_admin import invite_form  # late: access_admin imports this module's page

    choices = _choices(campaign)
    rows = []
    for access in organiser_accounts.access_list():
        account = access.organiser
        form = OrganiserTeamForm(choices, prefix=f"o{account.id}")
        form.team.data = account.team.slug if account.team else ""
        rows.append((account, form, access.two_factor))
    return render_template(
        "dashboard/organisers.html",
        campaign=campaign,
        rows=rows,
        invite_form=invite_form(),
        invites=organiser_accounts.pending_invites(),
    ), code


@bp.get("/organisers")
def organisers_list() -> ResponseReturnValue:
    return render_page(campaign_or_404())


@bp.post("/organisers/<int:organiser_id>")
def organiser_scope(organiser_id: int) -> ResponseReturnValue:
    """Set what one organiser sees (organisers of the whole campaign only)."""
    campaign = campaign_or_404()
    account = db.session.get(Organiser, organiser_id) or abort(
        404, description="There is no such organiser."
    )
    form = OrganiserTeamForm(_choices(campaign), prefix=f"o{organiser_id}")
    if not form.validate():
        flash("Choose the whole campaign or one of the teams.", "error")
        return render_page(campaign, 400)
    team = teams.by_slug(campaign, form.team.data) if form.team.data else None
    try:
        changed = organisers.set_team(account.email, team, by=organiser())
    except OrganiserError as exc:
        flash(str(exc), "error")
        return render_page(campaign, 400)
    seen = f"team {team.name} only" if team else "the whole campaign"
    flash(f"{changed.email} now sees {seen}.", "info")
    if changed.team_id is not None and changed.id == organiser().id:
        return redirect(url_for("dashboard.overview"))  # this page is no longer theirs
    return redirect(url_for("dashboard.organisers_list"))
