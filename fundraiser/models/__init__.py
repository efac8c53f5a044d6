"""Typed SQLAlchemy models, one module per area."""

from .campaign import Campaign
from .donation import Donation, DonationTransition
from .ledger import StripeEvent
from .privacy import Erasure

__all__ = ["Campaign", "Donation", "DonationTransition", "Erasure", "StripeEvent"]
