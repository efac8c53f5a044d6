"""Team pages and the leaderboard. Money and counts only: never who gave."""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue

from ..donate_form import DonateForm
from ..services.campaigns import campaigns
from ..services.teams import teams
from ..views import campaign_or_404, team_or_404
from . import bp


@bp.get("/t/<slug>")
def team_page(slug: str) -> ResponseReturnValue:
    """The campaign page, rallying for one team: its own bar under the shared one."""
    campaign = campaign_or_404()
    team = team_or_404(campaign, slug)
    return render_template(
        "campaign.html",
        campaign=campaign,
        progress=campaigns.progress(campaign),
        form=DonateForm(campaign, team=team.slug),
        leaderboard=teams.leaderboard(campaign),
        team=team,
        team_progress=teams.progress(team),
    )


@bp.get("/teams")
def leaderboard_page() -> ResponseReturnValue:
    campaign = campaign_or_404()
    return render_template(
        "teams.html",
        campaign=campaign,
        progress=campaigns.progress(campaign),
        leaderboard=teams.leaderboard(campaign),
    )


@bp.get("/api/teams")
def leaderboard_json() -> ResponseReturnValue:
    campaign = campaign_or_404()
    return jsonify(teams=[s.as_json() for s in teams.leaderboard(campaign)])


@bp.get("/api/teams/<slug>/progress")
def team_progress(slug: str) -> ResponseReturnValue:
    """The team's totals in the shape of /api/progress (target 0: no target of its own)."""
    team = team_or_404(campaign_or_404(), slug)
    return jsonify(teams.progress(team).as_json() | {"team": team.name})
