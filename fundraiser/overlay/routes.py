"""The overlay pages. A wrong or rotated token is a 404 with an empty body: nothing shows."""

from __future__ import annotations

from flask import Response, render_template
from flask.typing import ResponseReturnValue

from ..services.campaigns import campaigns
from ..services.livestream import overlays
from . import bp


def _nothing() -> Response:
    # Empty on purpose: an overlay with a stale URL must put nothing on the stream.
    return Response("", status=404, mimetype="text/plain")


@bp.after_request
def never_cache(response: Response) -> Response:
    # The token is in the URL: no shared cache may keep a page under it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/", defaults={"rest": ""})
@bp.get("/<path:rest>")
def anything_else(rest: str) -> ResponseReturnValue:
    """Any other /overlay/ URL (no token, an overlay that does not exist): nothing."""
    return _nothing()


@bp.get("/<token>/bar")
def bar(token: str) -> ResponseReturnValue:
    """The progress bar, total, target and countdown, sized for a 1920x1080 scene."""
    campaign = overlays.campaign_for_token(token)
    if campaign is None:
        return _nothing()
    return render_template(
        "overlay/bar.html", campaign=campaign, progress=campaigns.progress(campaign)
    )
