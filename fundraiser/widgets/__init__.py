"""What other sites show of the drive: the embeddable widget, badges, share cards."""

from flask import Blueprint

bp = Blueprint("widgets", __name__)

from . import routes  # noqa: E402,F401
