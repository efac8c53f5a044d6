"""Organiser accounts from the command line: the only way to create one."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from ..models import Organiser, Team
from ..services import campaigns, organisers, teams
from . import bp


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line, so `printf '%s\n' "$PASS" | flask ...` and a here-string both work.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(action: Callable[[str, str], Organiser], email: str, password_stdin: bool) -> Organiser:
    try:
        return action(email, _read_password(password_stdin))
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc


def _team(slug: str | None) -> Team | None:
    """The current campaign's team at /t/<slug> (None for no slug), or a clear error."""
    if not slug:
        return None
    campaign = campaigns.current_campaign()
    team = teams.by_slug(campaign, slug) if campaign else None
    if team is None:
        raise click.ClickException(f"--team: there is no team at /t/{slug}.")
    return team


@bp.cli.command("create-organiser")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--team", "team_slug", help="Limit them to this team's view (its slug).")
def create_organiser(email: str, password_stdin: bool, team_slug: str | None) -> None:
    """Create an organiser who can log in to /dashboard. There is no default account."""
    team = _team(team_slug)
    organiser = _run(
        lambda e, p: organisers.create_organiser(e, p, team=team), email, password_stdin
    )
    scope = f" They see team /t/{team.slug} only." if team else ""
    click.echo(f"Created organiser {organiser.email}.{scope} Log in at /login.")


@bp.cli.command("set-organiser-team")
@click.argument("email")
@click.option("--team", "team_slug", help="Limit them to this team's view (its slug).")
@click.option("--whole-campaign", is_flag=True, help="Let them see the whole campaign.")
def set_organiser_team(email: str, team_slug: str | None, whole_campaign: bool) -> None:
    """Limit an organiser to one team's view of the dashboard, or lift the limit."""
    if bool(team_slug) == whole_campaign:
        raise click.UsageError("Give either --team SLUG or --whole-campaign.")
    team = _team(team_slug)
    try:
        organiser = organisers.set_team(email, team)
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc
    seen = f"team /t/{team.slug} only" if team else "the whole campaign"
    click.echo(f"{organiser.email} now sees {seen}.")


@bp.cli.command("set-organiser-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_organiser_password(email: str, password_stdin: bool) -> None:
    """Give an organiser a new password; their open sessions end."""
    organiser = _run(organisers.set_password, email, password_stdin)
    click.echo(f"New password set for {organiser.email}; their other sessions are logged out.")


@bp.cli.command("end-organiser-sessions")
@click.argument("email")
def end_organiser_sessions(email: str) -> None:
    """Log an organiser out everywhere (a lost laptop, a copied cookie); audited."""
    try:
        organiser = organisers.log_out_everywhere(email)
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Every session of {organiser.email} has ended.")
