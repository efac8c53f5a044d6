"""The snippets organisers copy to put the live total on their own sites.

For the campaign and each team: an `<iframe>` of the widget (/embed/progress,
/embed/t/<slug>) and an `<img>` of the badge (/badge.svg, /t/<slug>/badge.svg),
with absolute URLs (PUBLIC_BASE_URL: fundraiser/public_urls.py), and a live preview
at the documented minimum size. The iframe snippet carries the host script that
sizes the frame to the widget (static/js/embed-host.js, postMessage, origin checked).
The copy buttons are static/js/copy.js (no inline script).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, make_response, render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import escape

from ..models import Campaign, Team
from ..public_urls import public_url
from ..security.headers import content_security_policy
from ..services.teams import teams
from . import bp
from .access import current_scope, team_view
from .common import campaign_or_404

# The documented minimum size of the widget (static/css/embed.css): at it, in every
# language, the heading, bar and Donate button show (tests/e2e/test_widget_fit.py);
# larger is fine. The snippet's iframe starts at WIDTH x HEIGHT and, with the host
# script (static/js/embed-host.js), grows to the height the widget asks for.
MIN_WIDTH, MIN_HEIGHT = 300, 240
WIDTH, HEIGHT = 320, MIN_HEIGHT


@dataclass(frozen=True, slots=True)
class Widget:
    """One embeddable total: what to paste elsewhere, and where to preview it here."""

    key: str
    heading: str
    iframe: str
    badge: str
    preview_url: str
    badge_url: str
    # The preview is drawn at the documented minimum, to show it is enough.
    preview_width: int = MIN_WIDTH
    preview_height: int = MIN_HEIGHT


def widget(campaign: Campaign, team: Team | None) -> Widget:
    """The snippets for the campaign (team None) or one of its teams."""
    if team is None:
        key, heading = "campaign", campaign.title
        embed, page, badge = (
            ("widgets.embed_progress", {}),
            ("public.campaign_page", {}),
            ("widgets.badge", {}),
        )
    else:
        key, heading = f"team-{team.slug}", team.name
        slug = {"slug": team.slug}
        embed, page, badge = (
            ("widgets.embed_team", slug),
            ("teams.team_page", slug),
            ("widgets.team_badge", slug),
        )
    iframe = (
        f'<iframe src="{escape(public_url(embed[0], **embed[1]))}" '
        f'title="{escape(heading)}: live total" width="{WIDTH}" height="{HEIGHT}" '
        'style="border:0" loading="lazy"></iframe>\n'
        f'<script src="{escape(public_url("static", filename="js/embed-host.js"))}" async></script>'
    )
    img = (
        f'<a href="{escape(public_url(page[0], **page[1]))}">'
        f'<img src="{escape(public_url(badge[0], **badge[1]))}" '
        f'alt="{escape(heading)}: money raised so far"></a>'
    )
    return Widget(
        key=key,
        heading=heading,
        iframe=iframe,
        badge=img,
        preview_url=url_for(embed[0], **embed[1]),
        badge_url=url_for(badge[0], **badge[1]),
    )


def frames_own_widget(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the page show this site's own widget in a preview <iframe>.

    The app-wide policy allows frames from Stripe only; this page's adds
    'self' (the widget), and nothing else.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        response = make_response(view(*args, **kwargs))
        policy = content_security_policy(current_app.config)
        response.headers["Content-Security-Policy"] = policy.replace(
            "frame-src ", "frame-src 'self' ", 1
        )
        return response

    return wrapper


@bp.get("/widgets")
@team_view
@frames_own_widget
def widgets() -> ResponseReturnValue:
    """Snippets for the campaign (organisers of the whole campaign) and each team they see."""
    campaign, scope = campaign_or_404(), current_scope()
    shown = [widget(campaign, None)] if scope.whole_campaign else []
    shown += [widget(campaign, team) for team in teams.listing(scope)]
    return render_template("dashboard/widgets.html", campaign=campaign, widgets=shown)
