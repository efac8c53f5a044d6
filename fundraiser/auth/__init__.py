"""Organiser login and logout (Flask-Login). Accounts come from the command line only."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account_links, routes, two_factor  # noqa: E402,F401
