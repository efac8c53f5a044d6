"""`flask fundraiser overlay-urls`: the livestream overlays' URLs, for pasting into OBS."""

from __future__ import annotations

import click

from ..public_urls import public_url
from ..services.campaigns import campaigns
from ..services.livestream import overlays
from . import bp


@bp.cli.command("overlay-urls")
@click.option("--rotate", is_flag=True, help="Make a new token first (the old URLs stop working).")
def overlay_urls_command(rotate: bool) -> None:
    """Print the current overlay URLs (made on first use); --rotate makes new ones."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        raise click.ClickException("No campaign yet: run `flask fundraiser create-campaign` first.")
    token = campaign.overlay_token
    if rotate or token is None:
        token = overlays.rotate_token(campaign.id, None)
    for name in overlays.OVERLAYS:
        click.echo(f"{name}: {public_url(f'overlay.{name}', token=token)}")
