"""Typed SQLAlchemy models, one module per area, each with its named states."""

from enum import StrEnum

from .accounts import AccountLink, LinkPurpose, RecoveryCode, TwoFactor
from .campaign import Campaign
from .donation import Donation, DonationStatus, DonationTransition, ModerationState
from .ledger import Outcome, OutcomeCode, StripeEvent
from .livestream import OverlayAlert
from .matching import GiftMatch
from .media import CampaignCover, StoredFile
from .milestones import Milestone
from .offline import OfflineGift, OfflineMethod
from .on_air import OnAirMessage, OnAirState
from .organiser import AuditEntry, LoginFailure, Organiser
from .outbox import EmailSuppression, OutboxMessage, OutboxStatus, SuppressionReason
from .pledge import Pledge, PledgeStatus, SourceLink
from .privacy import Erasure
from .rate_limit import RateLimitHit, RateLimitKey
from .refunds import (
    Dispute,
    DisputeStatus,
    DonationDeduction,
    Refund,
    RefundOrigin,
    RefundStatus,
)
from .team import Team
from .transfers import BeneficiaryTransfer
from .updates import CampaignUpdate

# Every named state, by class name: the one copy templates (the `states` global)
# and scripts (through the page) read, so neither repeats the strings.
STATE_ENUMS: dict[str, type[StrEnum]] = {
    enum.__name__: enum
    for enum in (
        DisputeStatus,
        DonationStatus,
        ModerationState,
        OfflineMethod,
        OnAirState,
        OutcomeCode,
        OutboxStatus,
        PledgeStatus,
        RefundOrigin,
        RefundStatus,
        SuppressionReason,
    )
}

__all__ = [
    "STATE_ENUMS",
    "AccountLink",
    "AuditEntry",
    "BeneficiaryTransfer",
    "Campaign",
    "CampaignCover",
    "CampaignUpdate",
    "Dispute",
    "DisputeStatus",
    "Donation",
    "DonationDeduction",
    "DonationStatus",
    "DonationTransition",
    "EmailSuppression",
    "Erasure",
    "GiftMatch",
    "LinkPurpose",
    "LoginFailure",
    "Milestone",
    "ModerationState",
    "OfflineGift",
    "OfflineMethod",
    "OnAirMessage",
    "OnAirState",
    "Organiser",
    "OutboxMessage",
    "OutboxStatus",
    "Outcome",
    "OutcomeCode",
    "OverlayAlert",
    "Pledge",
    "PledgeStatus",
    "RateLimitHit",
    "RateLimitKey",
    "RecoveryCode",
    "Refund",
    "RefundOrigin",
    "RefundStatus",
    "SourceLink",
    "StoredFile",
    "StripeEvent",
    "SuppressionReason",
    "Team",
    "TwoFactor",
]
