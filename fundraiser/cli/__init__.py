"""Command line: `flask --app wsgi fundraiser ...`."""

from flask import Blueprint

bp = Blueprint("fundraiser_cli", __name__, cli_group="fundraiser")

from . import bench, commands, demo, operations, organisers, pledge_commands, teams  # noqa: E402,F401
