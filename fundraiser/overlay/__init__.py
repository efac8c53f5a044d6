"""Overlays for streaming software (an OBS "browser source"), opened by a secret token."""

from flask import Blueprint

bp = Blueprint("overlay", __name__, url_prefix="/overlay")

from . import routes  # noqa: E402,F401
