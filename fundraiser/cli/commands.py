"""Campaign set-up commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from ..money import AmountError, format_money, parse_amount
from ..services.campaigns import campaigns
from . import bp


def _parse_deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        value.astimezone(UTC)  # times at the very ends of the calendar have no UTC form
    except (ValueError, OverflowError) as exc:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-24T23:59:00+00:00") from exc
    return value


@bp.cli.command("create-campaign")
@click.option("--title", required=True)
@click.option("--target", required=True, help="Target in major units, e.g. 50000")
@click.option("--currency", default="gbp", show_default=True)
@click.option("--deadline", help="ISO 8601; a time without zone is taken as UTC")
@click.option("--tiers", default="", help='e.g. "4=a pint,7=a cocktail,20=a round"')
@click.option("--story", default="", help="The story shown on the page")
@click.option("--min", "minimum", default="1", show_default=True, help="Smallest gift")
@click.option("--max", "maximum", default="10000", show_default=True, help="Largest gift online")
def create_campaign(
    title: str,
    target: str,
    currency: str,
    deadline: str | None,
    tiers: str,
    story: str,
    minimum: str,
    maximum: str,
) -> None:
    """Create a campaign; the newest campaign is the one the site shows."""
    try:
        campaign = campaigns.create_campaign(
            title=title,
            target_minor=parse_amount(target, currency),
            currency=currency,
            deadline=_parse_deadline(deadline),
            tiers=campaigns.parse_tiers(tiers, currency),
            story=story,
            min_amount_minor=parse_amount(minimum, currency),
            max_amount_minor=parse_amount(maximum, currency),
        )
    except (AmountError, campaigns.CampaignError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Created campaign {campaign.slug!r}: target {format_money(campaign.target_minor, campaign.currency)}"
    )


@bp.cli.command("demo")
def demo() -> None:
    """Create the demo campaign if there is no campaign yet. Safe to run twice."""
    existing = campaigns.current_campaign()
    if existing is not None:
        click.echo(f"A campaign already exists ({existing.slug!r}); nothing to do.")
        return
    campaign = campaigns.create_campaign(
        title="Get LGBT+ people out of Chechnya",
        target_minor=5_000_000,
        currency="gbp",
        deadline=datetime.now(UTC).replace(microsecond=0) + timedelta(days=30),
        # Each tier's label in Russian too, so the Russian page shows the organiser's words.
        tiers=[
            {**tier, "label_ru": campaigns.DEMO_TIER_LABELS_RU[tier["amount"]]}
            for tier in campaigns.DEMO_TIERS
        ],
        story=campaigns.DEMO_STORY,
        slug=campaigns.DEMO_SLUG,
        title_ru=campaigns.DEMO_TITLE_RU,
        story_ru=campaigns.DEMO_STORY_RU,
    )
    click.echo(f"Created the demo campaign {campaign.slug!r}.")
