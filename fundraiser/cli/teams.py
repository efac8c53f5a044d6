"""Team commands, until the dashboard offers a form for them."""

from __future__ import annotations

import click

from ..money import AmountError, format_money, parse_amount
from ..services.campaigns import campaigns
from ..services.teams import teams
from . import bp


@bp.cli.command("create-team")
@click.argument("name")
@click.option("--slug", help="The team page's address, /t/<slug> (default: from the name)")
@click.option("--target", help="The team's own target in major units, e.g. 2000 (optional)")
@click.option("--note", default="", help="A short note shown on the team's page")
def create_team(name: str, slug: str | None, target: str | None, note: str) -> None:
    """Create a team (a local group) in the campaign the site shows."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        raise click.ClickException("There is no campaign yet: create one first.")
    try:
        target_minor = parse_amount(target, campaign.currency) if target else None
    except AmountError as exc:
        raise click.ClickException(f"--target: {exc}") from exc
    try:
        team = teams.create_team(
            campaign, name=name, slug=slug, target_minor=target_minor, note=note
        )
    except teams.TeamError as exc:
        raise click.ClickException(str(exc)) from exc
    goal = (
        f"target {format_money(team.target_minor, campaign.currency, trim=True)}"
        if team.target_minor
        else "no target of its own"
    )
    click.echo(f"Created team {team.name!r} at /t/{team.slug} ({goal}).")
