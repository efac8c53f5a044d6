"""Typed SQLAlchemy models, one module per area."""

from .campaign import Campaign
from .donation import Donation, DonationTransition
from .ledger import StripeEvent
from .team import Team

__all__ = ["Campaign", "Donation", "DonationTransition", "StripeEvent", "Team"]
