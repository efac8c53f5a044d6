"""Typed SQLAlchemy models, one module per area."""

from .accounts import AccountLink, LinkPurpose, RecoveryCode, TwoFactor
from .campaign import Campaign
from .donation import Donation, DonationTransition
from .ledger import StripeEvent
from .offline import OfflineGift
from .organiser import AuditEntry, LoginFailure, Organiser
from .outbox import EmailSuppression, OutboxMessage
from .pledge import Pledge, SourceLink
from .privacy import Erasure
from .rate_limit import RateLimitHit, RateLimitKey
from .refunds import Dispute, DonationDeduction, Refund
from .team import Team

__all__ = [
    "AccountLink",
    "AuditEntry",
    "Campaign",
    "Dispute",
    "Donation",
    "DonationDeduction",
    "DonationTransition",
    "EmailSuppression",
    "Erasure",
    "LinkPurpose",
    "LoginFailure",
    "OfflineGift",
    "Organiser",
    "OutboxMessage",
    "Pledge",
    "RateLimitHit",
    "RateLimitKey",
    "RecoveryCode",
    "Refund",
    "SourceLink",
    "StripeEvent",
    "Team",
    "TwoFactor",
]
