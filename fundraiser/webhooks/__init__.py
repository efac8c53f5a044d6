"""The Stripe webhook: the only way (with reconciliation) that money counts."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from . import handlers, refund_handlers, routes  # noqa: E402,F401  (registers handlers and views)
