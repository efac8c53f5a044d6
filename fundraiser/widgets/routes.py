"""The embeddable widget, the SVG badges and the share-card images.

None of these touch the session: a page framed on another site sets no cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..i18n.organiser_text import pick
from ..models import Campaign, Team
from ..money import format_money
from ..public_urls import public_url
from ..services.campaigns import campaigns, share_cards
from ..services.teams import teams
from ..views import campaign_or_404, team_or_404
from . import bp
from .embedding import embeddable

BADGE_FONT_SIZE = 11


def donations_phrase(count: int) -> str:
    return f"{count:,} donation{'' if count == 1 else 's'}"


def _conditional(etag: str, max_age: int, build: Callable[[], Response]) -> Response:
    """Answer 304 when the client holds `etag`; otherwise build, tag and cache the answer."""
    response = Response(status=304) if etag in request.if_none_match else build()
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _embed(campaign: Campaign, team: Team | None) -> str:
    if team is None:
        heading, progress = pick(campaign, "title"), campaigns.progress(campaign)
        progress_url = url_for("api.progress")
        donate_url = public_url("public.campaign_page")
    else:
        heading, progress = pick(team, "name"), teams.progress(team)
        progress_url = url_for("teams.team_progress", slug=team.slug)
        donate_url = public_url("teams.team_page", slug=team.slug)
    return render_template(
        "embed.html",
        campaign=campaign,
        heading=heading,
        progress=progress,
        progress_url=progress_url,
        donate_url=donate_url,
    )


@bp.get("/embed/progress")
@embeddable
def embed_progress() -> ResponseReturnValue:
    """The live bar and a donate button, for other sites' <iframe>s. Sets no cookie."""
    return _embed(campaign_or_404(), None)


@bp.get("/embed/t/<slug>")
@embeddable
def embed_team(slug: str) -> ResponseReturnValue:
    campaign = campaign_or_404()
    return _embed(campaign, team_or_404(campaign, slug))


def _badge(label: str, progress: campaigns.Progress, etag: str) -> Response:
    shown = progress.as_json()
    value = shown["raised_display"]
    if progress.target:
        value += f" of {shown['target_display']}"

    def build() -> Response:
        label_w = share_cards.text_width(label, BADGE_FONT_SIZE) + 12
        value_w = share_cards.text_width(value, BADGE_FONT_SIZE) + 12
        svg = render_template(
            "badge.svg",
            label=label,
            value=value,
            title=f"{label}: {value} from {donations_phrase(progress.donations)}",
            label_w=label_w,
            value_w=value_w,
            font_size=BADGE_FONT_SIZE,
        )
        return Response(svg, mimetype="image/svg+xml")

    return _conditional(etag, 60, build)


@bp.get("/badge.svg")
def badge() -> ResponseReturnValue:
    """The campaign's total as an SVG badge for READMEs, emails and forums."""
    campaign = campaign_or_404()
    return _badge(
        "raised", campaigns.progress(campaign), f"c{campaign.id}-v{campaign.totals_version}"
    )


@bp.get("/t/<slug>/badge.svg")
def team_badge(slug: str) -> ResponseReturnValue:
    campaign = campaign_or_404()
    team = team_or_404(campaign, slug)
    return _badge(f"{team.name} raised", teams.progress(team), f"t{team.id}-v{team.totals_version}")


def share_version(campaign: Campaign, team: Team | None = None) -> str:
    """Changes whenever a card's figures do; goes in the image URL to bust caches."""
    if team is None:
        return str(campaign.totals_version)
    return f"{campaign.totals_version}.{team.totals_version}"


def _card(campaign: Campaign, team: Team | None) -> share_cards.Card:
    shared = campaigns.progress(campaign)
    shown = shared if team is None else teams.progress(team)
    detail = f"from {donations_phrase(shown.donations)}"
    if shown.target:
        detail = f"of {format_money(shown.target, shown.currency, trim=True)} {detail}"
    footer = "Give the price of a drink."
    if team is not None:
        footer = f"Together: {format_money(shared.raised, shared.currency)} of {format_money(shared.target, shared.currency, trim=True)}"
    return share_cards.Card(
        version=share_version(campaign, team),
        title=campaign.title if team is None else f"{team.name}: {campaign.title}",
        headline=f"{format_money(shown.raised, shown.currency)} raised",
        detail=detail,
        footer=footer,
        per_mille=min(1000, shown.raised * 1000 // shown.target) if shown.target else 0,
    )


def _share_image(campaign: Campaign, team: Team | None) -> Response:
    card = _card(campaign, team)
    scope = f"c{campaign.id}" if team is None else f"t{team.id}"

    def build() -> Response:
        return make_response(share_cards.render_png(card), {"Content-Type": "image/png"})

    return _conditional(f"card-{scope}-v{card.version}", 300, build)


@bp.get("/share/progress.png")
def share_image() -> ResponseReturnValue:
    """The campaign's share card (Open Graph / Twitter image) of the current progress."""
    return _share_image(campaign_or_404(), None)


@bp.get("/t/<slug>/share.png")
def team_share_image(slug: str) -> ResponseReturnValue:
    campaign = campaign_or_404()
    return _share_image(campaign, team_or_404(campaign, slug))
