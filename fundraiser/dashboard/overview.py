"""GET /dashboard (the overview) and the charting library it loads."""

from __future__ import annotations

from pathlib import Path

from flask import abort, render_template, send_file
from flask.typing import ResponseReturnValue

from .. import ROOT
from ..services.donations import retention
from ..services.reports import stats
from . import bp
from .access import current_scope, team_view
from .common import campaign_or_404

# Installed by `npm ci` (package.json), never committed and never from a CDN.
CHART_JS = ROOT / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"


@bp.get("/")
@team_view
def overview() -> ResponseReturnValue:
    campaign, scope = campaign_or_404(), current_scope()
    team = scope.team()
    return render_template(
        "dashboard/overview.html",
        campaign=campaign,
        team=team,
        overview=stats.overview(campaign, scope=scope),
        # Whole-campaign organisers only: the counts span every team's donors.
        retention=None if team else retention.due(campaign),
    )


@bp.get("/assets/chart.umd.min.js")
@team_view
def chart_js() -> ResponseReturnValue:
    path: Path = CHART_JS
    if not path.is_file():
        abort(404, description="Chart.js is not installed: run `make` (npm ci) first.")
    return send_file(path, mimetype="text/javascript", max_age=3600)
