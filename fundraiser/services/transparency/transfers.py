"""Transfers to the beneficiary (recorded by hand, audited) and the public totals.

A transfer moves no total: `raised` is what came in; what was sent on is its
own sum, shown beside it. Every figure is integer minor units in the
campaign's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...errors import UserError
from ...extensions import db
from ...models import (
    BeneficiaryTransfer,
    Campaign,
    Donation,
    DonationDeduction,
    DonationStatus,
    Organiser,
)
from ...models.types import utcnow
from ...money import format_money
from ..campaigns.campaigns import pages_changed
from ..media import images, store
from ..organisers import audit
from ..organisers.scope import require_whole_campaign


class TransferError(UserError, ValueError):
    """A transfer that cannot be recorded; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class TransferEntry:
    """What an organiser typed, already parsed."""

    amount_minor: int
    sent_on: date
    reference: str
    receipt: bytes | None = None  # the bank's confirmation as uploaded (PDF or picture)


@dataclass(frozen=True, slots=True)
class Sent:
    """How much was sent on, and the date of the latest transfer (None: nothing yet)."""

    total_minor: int
    last_sent_on: date | None


@dataclass(frozen=True, slots=True)
class Totals:
    """What /transparency shows, all in the campaign's currency."""

    currency: str
    raised_minor: int
    sent: Sent
    refunded_minor: int
    fees_covered_minor: int
    transfers: list[BeneficiaryTransfer]


def add(campaign: Campaign, entry: TransferEntry, organiser: Organiser) -> BeneficiaryTransfer:
    """Record a transfer with an audit entry and refresh the cached pages; commits.

    Raises TransferError (nothing stored) for a non-positive amount or a date
    in the future, MediaError / UnsupportedMedia for a receipt that is not a
    whole PDF or an accepted picture, and ScopeError for a team organiser.
    The receipt is public: a picture is re-encoded without its metadata, a PDF
    kept as sent.
    """
    require_whole_campaign(organiser, "record money sent to the beneficiary")
    if entry.amount_minor <= 0:
        raise TransferError("The amount must be more than zero.")
    if entry.sent_on > utcnow().date():
        raise TransferError("The date cannot be in the future.")
    receipt = store.save(images.document(entry.receipt)) if entry.receipt is not None else None
    transfer = BeneficiaryTransfer(
        campaign_id=campaign.id,
        amount_minor=entry.amount_minor,
        currency=campaign.currency,
        sent_on=entry.sent_on,
        reference=entry.reference.strip()[:120],
        organiser_id=organiser.id,
        receipt_file_id=receipt.id if receipt else None,
    )
    db.session.add(transfer)
    db.session.flush()
    # The page and its cached copies show the sent total: make them rebuild.
    pages_changed(campaign.id, what="transfer to beneficiary")
    audit.record(
        "transfer",
        f"Recorded {format_money(entry.amount_minor, campaign.currency)} sent on"
        f" {entry.sent_on.isoformat()}",
        organiser=organiser,
        transfer_id=transfer.id,
        amount_minor=entry.amount_minor,
        sent_on=entry.sent_on.isoformat(),
        receipt=receipt is not None,
    )
    db.session.commit()
    return transfer


def listing(campaign: Campaign) -> list[BeneficiaryTransfer]:
    """The campaign's transfers, newest first."""
    return list(
        db.session.scalars(
            sa.select(BeneficiaryTransfer)
            .where(BeneficiaryTransfer.campaign_id == campaign.id)
            .order_by(BeneficiaryTransfer.sent_on.desc(), BeneficiaryTransfer.id.desc())
            .options(selectinload(BeneficiaryTransfer.receipt_file))
        )
    )


def sent(campaign: Campaign) -> Sent:
    """The sum sent on and the latest date, in one query."""
    total, last = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(BeneficiaryTransfer.amount_minor), 0),
            sa.func.max(BeneficiaryTransfer.sent_on),
        ).where(BeneficiaryTransfer.campaign_id == campaign.id)
    ).one()
    return Sent(total_minor=int(total), last_sent_on=last)


def totals(campaign: Campaign) -> Totals:
    """Raised, sent on, refunded (Stripe refunds counted by the webhook) and the
    card fees donors chose to cover, for the public /transparency page."""
    refunded = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(DonationDeduction.refunded_minor), 0))
        .join(Donation, Donation.id == DonationDeduction.donation_id)
        .where(Donation.campaign_id == campaign.id)
    )
    fees = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Donation.fee_cover_minor), 0)).where(
            Donation.campaign_id == campaign.id, Donation.status == DonationStatus.SUCCEEDED
        )
    )
    return Totals(
        currency=campaign.currency,
        raised_minor=campaign.raised_minor,
        sent=sent(campaign),
        refunded_minor=int(refunded or 0),
        fees_covered_minor=int(fees or 0),
        transfers=listing(campaign),
    )
