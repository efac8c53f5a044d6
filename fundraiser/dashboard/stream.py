"""The livestream page: the overlays' URLs to paste into OBS, and rotating their token."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..public_urls import public_url
from ..services.livestream import overlays
from . import bp
from .common import campaign_or_404, organiser


@bp.get("/stream")
def stream() -> ResponseReturnValue:
    campaign = campaign_or_404()
    token = campaign.overlay_token
    urls = (
        {name: public_url(f"overlay.{name}", token=token) for name in overlays.OVERLAYS}
        if token
        else {}
    )
    return render_template("dashboard/stream.html", campaign=campaign, urls=urls)


@bp.post("/stream/rotate")
def stream_rotate() -> ResponseReturnValue:
    """Make a new token; the old URLs stop showing anything at once (CSRF checked app-wide)."""
    campaign = campaign_or_404()
    had_one = campaign.overlay_token is not None
    overlays.rotate_token(campaign.id, organiser())
    flash(
        "New overlay URLs: paste them into your streaming software again."
        if had_one
        else "Overlay URLs made.",
        "info",
    )
    return redirect(url_for("dashboard.stream")), 303
