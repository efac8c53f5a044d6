"""The public campaign page, the donate endpoint and the thank-you page."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import media, routes, updates  # noqa: E402,F401
