"""Teams in the dashboard: their totals, creating one, changing one.

Organisers of the whole campaign see and create every team; a team organiser
sees and changes only their own (the list is scoped, and another team's page
is refused).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..models import Campaign, Team
from ..money import format_decimal
from ..services.teams import teams
from ..services.teams.teams import TeamError
from . import bp
from .access import current_scope, team_view
from .common import campaign_or_404, organiser
from .team_forms import NewTeamForm, TeamForm
from .widgets import frames_own_widget, widget


def _render_list(campaign: Campaign, form: NewTeamForm, code: int = 200) -> ResponseReturnValue:
    scope = current_scope()
    listed = [(team, teams.progress(team)) for team in teams.listing(scope)]
    return render_template(
        "dashboard/teams.html",
        campaign=campaign,
        teams=listed,
        form=form if scope.whole_campaign else None,
    ), code


@bp.get("/teams")
@team_view
def teams_list() -> ResponseReturnValue:
    campaign = campaign_or_404()
    return _render_list(campaign, NewTeamForm(campaign.currency))


@bp.post("/teams")
def team_create() -> ResponseReturnValue:
    """Create a team (organisers of the whole campaign only: not a team view)."""
    campaign = campaign_or_404()
    form = NewTeamForm(campaign.currency)
    if not form.validate():
        flash(form.first_error(), "error")
        return _render_list(campaign, form, 400)
    try:
        team = teams.create_team(
            campaign,
            name=form.name.data or "",
            slug=form.slug.data or None,
            target_minor=form.target_minor,
            note=form.note.data or "",
            name_ru=form.name_ru.data or "",
            note_ru=form.note_ru.data or "",
            organiser=organiser(),
        )
    except TeamError as exc:
        flash(str(exc), "error")
        return _render_list(campaign, form, 400)
    flash(f"Created {team.name}: its page is /t/{team.slug}.", "info")
    return redirect(url_for("dashboard.team_settings", slug=team.slug))


def _team_or_403(campaign: Campaign, slug: str) -> Team:
    team = teams.by_slug(campaign, slug) or abort(404, description="There is no such team.")
    if not current_scope().covers_team(team):
        abort(403, description="You can see only your own team.")
    return team


@bp.route("/teams/<slug>", methods=["GET", "POST"])
@team_view
@frames_own_widget
def team_settings(slug: str) -> ResponseReturnValue:
    """A team's totals, its settings (name, own target, note) and its snippets."""
    campaign = campaign_or_404()
    team = _team_or_403(campaign, slug)
    form = TeamForm(campaign.currency)
    if not form.is_submitted():
        form.name.data = team.name
        form.note.data = team.note
        form.name_ru.data = team.name_ru
        form.note_ru.data = team.note_ru
        if team.target_minor:
            form.amount.data = format_decimal(team.target_minor, campaign.currency)
        code = 200
    elif not form.validate():
        flash(form.first_error(), "error")
        code = 400
    else:
        try:
            changed = teams.update_team(
                team.id,
                name=form.name.data or "",
                target_minor=form.target_minor,
                note=form.note.data or "",
                name_ru=form.name_ru.data or "",
                note_ru=form.note_ru.data or "",
                organiser=organiser(),
            )
        except TeamError as exc:
            flash(str(exc), "error")
            code = 400
        else:
            flash("Saved: " + ", ".join(changed) if changed else "Nothing changed.", "info")
            return redirect(url_for("dashboard.team_settings", slug=team.slug))
    return render_template(
        "dashboard/team.html",
        campaign=campaign,
        team=team,
        progress=teams.progress(team),
        form=form,
        widget=widget(campaign, team),
    ), code
