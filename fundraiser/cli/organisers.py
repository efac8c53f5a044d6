"""Organiser accounts from the command line (the dashboard's Organisers page does the same)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from ..models import Organiser, Team
from ..services.campaigns import campaigns
from ..services.organisers import organiser_accounts, organisers, two_factor
from ..services.teams import teams
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


def _organiser(email: str) -> Organiser:
    try:
        organiser = organisers.by_email(organisers.normalise_email(email))
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc
    if organiser is None:
        raise click.ClickException(f"There is no organiser {email}.")
    return organiser


@bp.cli.command("invite-organiser")
@click.argument("email")
@click.option("--team", "team_slug", help="Limit them to this team's view (its slug).")
@click.option(
    "--print-link", is_flag=True, help="Also print the link (when mail cannot reach them)."
)
def invite_organiser(email: str, team_slug: str | None, print_link: bool) -> None:
    """Email EMAIL a single-use link (valid 3 days) to choose a password and join."""
    team = _team(team_slug)
    try:
        sent = organiser_accounts.invite(email, team=team)
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Invitation for {sent.link.email} is in the outbox (`fundraiser send-mail`).")
    if print_link:
        click.echo(sent.url)


@bp.cli.command("list-organisers")
def list_organisers() -> None:
    """Who has access: email, what they see, two-factor, active, last login (UTC)."""
    for row in organiser_accounts.access_list():
        account = row.organiser
        seen = f"team /t/{account.team.slug}" if account.team else "whole campaign"
        last = account.last_login_at.strftime("%Y-%m-%d %H:%M") if account.last_login_at else "-"
        state = "active" if account.active else "deactivated"
        two = "2fa on" if row.two_factor else "2fa off"
        click.echo(f"{account.email}\t{seen}\t{two}\t{state}\tlast login {last}")


def _set_active(email: str, active: bool) -> Organiser:
    organiser = _organiser(email)
    try:
        organiser_accounts.set_active(organiser, active)
    except organisers.OrganiserError as exc:
        raise click.ClickException(str(exc)) from exc
    return organiser


@bp.cli.command("deactivate-organiser")
@click.argument("email")
def deactivate_organiser(email: str) -> None:
    """Stop EMAIL logging in; their open sessions stop working at once."""
    organiser = _set_active(email, False)
    click.echo(f"{organiser.email} is deactivated.")


@bp.cli.command("reactivate-organiser")
@click.argument("email")
def reactivate_organiser(email: str) -> None:
    """Let a deactivated organiser log in again (with their old password)."""
    organiser = _set_active(email, True)
    click.echo(f"{organiser.email} can log in again.")


@bp.cli.command("reset-organiser-2fa")
@click.argument("email")
def reset_organiser_2fa(email: str) -> None:
    """Turn off EMAIL's two-factor login (a lost phone and recovery codes)."""
    organiser = _organiser(email)
    if two_factor.disable(organiser):
        click.echo(f"Two-factor login is off for {organiser.email}; they can set it up again.")
    else:
        click.echo(f"{organiser.email} had no two-factor login.")
