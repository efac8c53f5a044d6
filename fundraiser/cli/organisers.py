"""Organiser accounts from the command line: the only way to create one."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from ..models import Organiser
from ..services import organisers
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


@bp.cli.command("create-organiser")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_organiser(email: str, password_stdin: bool) -> None:
    """Create an organiser who can log in to /dashboard. There is no default account."""
    organiser = _run(organisers.create_organiser, email, password_stdin)
    click.echo(f"Created organiser {organiser.email}. Log in at /login.")


@bp.cli.command("set-organiser-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_organiser_password(email: str, password_stdin: bool) -> None:
    """Give an organiser a new password; their open sessions end."""
    organiser = _run(organisers.set_password, email, password_stdin)
    click.echo(f"New password set for {organiser.email}; their other sessions are logged out.")
