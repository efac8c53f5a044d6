"""The public JSON API."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import csrf, routes  # noqa: E402,F401
