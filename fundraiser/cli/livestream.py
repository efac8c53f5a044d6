"""`flask fundraiser overlay-urls`: the livestream overlays' URLs, for pasting into OBS."""

from __future__ import annotations

import click

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..public_urls import public_url
from ..services.campaigns import campaigns
from ..services.livestream import overlays
from . import bp


@bp.cli.command("overlay-urls")
@click.option("--rotate", is_flag=True, help="Make a new token first (the old URLs stop working).")
@click.option(
    "--lang",
    type=click.Choice(sorted(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The overlays' language.",
)
def overlay_urls_command(rotate: bool, lang: str) -> None:
    """Print the current overlay URLs (made on first use); --rotate makes new ones."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        raise click.ClickException("No campaign yet: run `flask fundraiser create-campaign` first.")
    token = campaign.overlay_token
    if rotate or token is None:
        token = overlays.rotate_token(campaign.id, None)
    for name in overlays.OVERLAYS:
        language = {} if lang == DEFAULT_LANGUAGE else {"lang": lang}
        click.echo(f"{name}: {public_url(f'overlay.{name}', token=token, **language)}")
