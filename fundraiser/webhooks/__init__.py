"""The Stripe webhook: the only way (with reconciliation) that money counts."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

# Event handlers are registered with the ledger in fundraiser/wiring.py.
from . import routes  # noqa: E402,F401  (registers the view)
