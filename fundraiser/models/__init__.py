"""Typed SQLAlchemy models, one module per area."""

from .campaign import Campaign
from .donation import Donation, DonationTransition
from .ledger import StripeEvent
from .offline import OfflineGift
from .organiser import AuditEntry, LoginFailure, Organiser
from .refunds import Dispute, DonationDeduction, Refund

__all__ = [
    "AuditEntry",
    "Campaign",
    "Dispute",
    "Donation",
    "DonationDeduction",
    "DonationTransition",
    "LoginFailure",
    "OfflineGift",
    "Organiser",
    "Refund",
    "StripeEvent",
]
