"""Organiser login and logout (Flask-Login). Accounts come from the command line only."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401
