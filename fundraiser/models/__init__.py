"""Typed SQLAlchemy models, one module per area."""

from .campaign import Campaign
from .donation import Donation, DonationTransition
from .ledger import StripeEvent
from .outbox import EmailSuppression, OutboxMessage
from .pledge import Pledge, SourceLink
from .team import Team

__all__ = [
    "Campaign",
    "Donation",
    "DonationTransition",
    "EmailSuppression",
    "OutboxMessage",
    "Pledge",
    "SourceLink",
    "StripeEvent",
    "Team",
]
