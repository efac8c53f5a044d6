"""The overlay pages. A wrong or rotated token is a 404 with an empty body: nothing shows."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from ..security.headers import content_security_policy
from ..services.campaigns import campaigns
from ..services.livestream import alerts as alert_feed
from ..services.livestream import overlays, ticker
from . import bp


def _nothing() -> Response:
    # Empty on purpose: an overlay with a stale URL must put nothing on the stream.
    return Response("", status=404, mimetype="text/plain")


@bp.after_request
def never_cache(response: Response) -> Response:
    # The token is in the URL: no shared cache may keep a page under it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    # Framed by this site only: /dashboard/stream previews each overlay. The app-wide
    # hook (security/headers.py) keeps headers a view already set.
    policy = content_security_policy(current_app.config)
    response.headers["Content-Security-Policy"] = policy.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
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


@bp.get("/<token>/alerts")
def alerts(token: str) -> ResponseReturnValue:
    """The alerts overlay: static/js/overlay-alerts.js polls alerts.json and plays each gift once."""
    campaign = overlays.campaign_for_token(token)
    if campaign is None:
        return _nothing()
    return render_template(
        "overlay/alerts.html",
        campaign=campaign,
        feed_url=request.path + ".json",
    )


@bp.get("/<token>/alerts.json")
def alerts_feed(token: str) -> ResponseReturnValue:
    """Alerts after `?after=<id>` (none: only the newest id, so a fresh overlay replays nothing).

    Conditional: the ETag is the newest id and `after`, so an overlay with nothing
    new costs one index read and a 304. No session is read or written.
    """
    campaign = overlays.campaign_for_token(token)
    if campaign is None:
        return _nothing()
    raw = request.args.get("after")
    if raw is not None and not (raw.isdigit() and len(raw) <= 18):
        abort(400, description="after must be an alert id (a whole number).")
    newest = alert_feed.newest_id(campaign.id)
    last_seen = int(raw) if raw is not None else newest
    etag = f"alerts-{newest}-{last_seen}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        found = alert_feed.after(campaign, last_seen) if last_seen < newest else []
        body = {"newest": newest, "alerts": [a.as_json() for a in found]}
        response = Response(json.dumps(body, separators=(",", ":")), mimetype="application/json")
    response.set_etag(etag)
    return response


@bp.get("/<token>/ticker", endpoint="ticker")
def ticker_page(token: str) -> ResponseReturnValue:
    """The ticker: approved messages scrolling along the top; static/js/overlay-ticker.js
    polls ticker.json and swaps in what changed at the end of a pass."""
    campaign = overlays.campaign_for_token(token)
    if campaign is None:
        return _nothing()
    items = ticker.recent(campaign)
    return render_template(
        "overlay/ticker.html",
        campaign=campaign,
        items=items,
        version=ticker.version(items),
        feed_url=request.path + ".json",
    )


@bp.get("/<token>/ticker.json")
def ticker_feed(token: str) -> ResponseReturnValue:
    """The ticker's messages. Conditional: the ETag is a digest of them, so an
    overlay with nothing new gets a 304 for one small indexed read; no session,
    and nothing written, so the public pages' caches never move for it."""
    campaign = overlays.campaign_for_token(token)
    if campaign is None:
        return _nothing()
    items = ticker.recent(campaign)
    etag = "ticker-" + ticker.version(items)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        body = {"version": etag, "items": [item.as_json() for item in items]}
        response = Response(json.dumps(body, separators=(",", ":")), mimetype="application/json")
    response.set_etag(etag)
    return response
