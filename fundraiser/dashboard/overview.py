"""GET /dashboard (the overview) and the charting library it loads."""

from __future__ import annotations

from pathlib import Path

from flask import abort, render_template, send_file
from flask.typing import ResponseReturnValue

from .. import ROOT
from ..services import stats
from . import bp
from .common import campaign_or_404

# Installed by `npm ci` (package.json), never committed and never from a CDN.
CHART_JS = ROOT / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"


@bp.get("/")
def overview() -> ResponseReturnValue:
    campaign = campaign_or_404()
    return render_template(
        "dashboard/overview.html", campaign=campaign, overview=stats.overview(campaign)
    )


@bp.get("/assets/chart.umd.min.js")
def chart_js() -> ResponseReturnValue:
    path: Path = CHART_JS
    if not path.is_file():
        abort(404, description="Chart.js is not installed: run `make` (npm ci) first.")
    return send_file(path, mimetype="text/javascript", max_age=3600)
