"""The livestream page: the overlays' URLs to paste into OBS, live previews, rotating the token."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..i18n import LANGUAGES
from ..public_urls import public_url
from ..services.livestream import overlays
from . import bp
from .common import campaign_or_404, organiser
from .widgets import frames_own_widget

DESCRIPTIONS = {
    "bar": "The total, the target and the time left, along the bottom.",
    "alerts": "Each gift the webhook counts, once, a few seconds each, near the top.",
    "ticker": "Approved messages scrolling along the top edge.",
}


@dataclass(frozen=True, slots=True)
class OverlayLinks:
    """One overlay as the page offers it: its URL in each language and its preview."""

    name: str
    description: str
    urls: dict[str, str]  # language code -> the absolute URL to paste into OBS
    preview: str  # this site's own path, so the page may frame it


def overlay_links(token: str) -> list[OverlayLinks]:
    """Every overlay's URLs (English plain, other languages with ?lang=) and preview path."""
    return [
        OverlayLinks(
            name=name,
            description=DESCRIPTIONS.get(name, ""),
            urls={
                code: public_url(
                    f"overlay.{name}", token=token, **({} if code == "en" else {"lang": code})
                )
                for code in LANGUAGES
            },
            preview=url_for(f"overlay.{name}", token=token),
        )
        for name in overlays.OVERLAYS
    ]


@bp.get("/stream")
@frames_own_widget
def stream() -> ResponseReturnValue:
    campaign = campaign_or_404()
    token = campaign.overlay_token
    return render_template(
        "dashboard/stream.html",
        campaign=campaign,
        overlays=overlay_links(token) if token else [],
        languages=LANGUAGES,
    )


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
