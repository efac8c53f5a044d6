"""Command line: `flask --app wsgi fundraiser ...`."""

from flask import Blueprint

bp = Blueprint("fundraiser_cli", __name__, cli_group="fundraiser")

from . import (  # noqa: E402,F401
    bench,
    commands,
    demo,
    livestream,
    operations,
    organisers,
    pledge_commands,
    teams,
)
