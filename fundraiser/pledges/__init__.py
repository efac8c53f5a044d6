"""Pledges ("give on payday"), their signed email links, and organisers' /give links."""

from flask import Blueprint

bp = Blueprint("pledges", __name__)

from . import give, routes  # noqa: E402,F401
