"""Offline money: cash from a bucket, a bank transfer. Counted in `raised` by hand.

Every change moves the campaign total by exactly its difference through
`bump_totals`, in the same transaction as the row and its audit entry, and
each update is conditional on the row being as the organiser saw it, so two
organisers editing at once cannot count a change twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ... import signals
from ...errors import UserError
from ...extensions import db
from ...models import Campaign, OfflineGift, OfflineMethod, Organiser
from ...models.types import utcnow
from ...money import format_money
from ..campaigns.campaigns import bump_totals
from ..organisers import audit
from ..organisers.scope import require_whole_campaign

METHODS = {
    OfflineMethod.CASH: "Cash (bucket)",
    OfflineMethod.BANK_TRANSFER: "Bank transfer",
    OfflineMethod.OTHER: "Other",
}


class OfflineError(UserError, ValueError):
    """An entry that cannot be made or changed; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class OfflineEntry:
    """What an organiser typed, already parsed."""

    amount_minor: int
    received_on: date
    method: str
    source: str | None
    note: str


def _check(entry: OfflineEntry, today: date) -> None:
    if entry.amount_minor <= 0:
        raise OfflineError("The amount must be more than zero.")
    if entry.method not in METHODS:
        raise OfflineError("Choose cash, bank transfer or other.")
    if entry.received_on > today:
        raise OfflineError("The date cannot be in the future.")


def listing(campaign: Campaign, *, include_removed: bool = True) -> list[OfflineGift]:
    query = sa.select(OfflineGift).where(OfflineGift.campaign_id == campaign.id)
    if not include_removed:
        query = query.where(OfflineGift.removed_at.is_(None))
    return list(
        db.session.scalars(query.order_by(OfflineGift.received_on.desc(), OfflineGift.id.desc()))
    )


def add(
    campaign: Campaign, entry: OfflineEntry, organiser: Organiser, *, match_id: int | None = None
) -> OfflineGift:
    """Record offline money and count it in `raised`; commits.

    `match_id`: the money is a matcher paying their match (services/matching).
    """
    require_whole_campaign(organiser, "record offline money")
    _check(entry, utcnow().date())
    gift = OfflineGift(
        campaign_id=campaign.id,
        amount_minor=entry.amount_minor,
        currency=campaign.currency,
        received_on=entry.received_on,
        method=entry.method,
        source=entry.source,
        note=entry.note,
        organiser_id=organiser.id,
        match_id=match_id,
    )
    db.session.add(gift)
    bump_totals(campaign.id, raised=entry.amount_minor)
    db.session.flush()
    signals.offline_gift_changed.send(gift)
    audit.record(
        "offline_add",
        f"Recorded {format_money(entry.amount_minor, campaign.currency)} offline "
        f"({METHODS[entry.method].lower()}, {entry.received_on.isoformat()})",
        organiser=organiser,
        offline_gift=gift.id,
        amount=entry.amount_minor,
        source=entry.source,
        note=entry.note,
    )
    db.session.commit()
    return gift


def correct(
    gift_id: int, entry: OfflineEntry, *, seen_amount: int, reason: str, organiser: Organiser
) -> OfflineGift:
    """Change an entry, moving `raised` by the difference; commits.

    `seen_amount` is the amount the organiser saw: if someone changed it
    since, nothing is written and OfflineError says so.
    """
    require_whole_campaign(organiser, "correct offline money")
    if not reason.strip():
        raise OfflineError("Say why you are correcting it.")
    _check(entry, utcnow().date())
    gift = db.session.get(OfflineGift, gift_id)
    if gift is None or gift.removed_at is not None:
        raise OfflineError("That entry does not exist or was removed.")
    before = {
        "amount": gift.amount_minor,
        "received_on": gift.received_on.isoformat(),
        "method": gift.method,
        "source": gift.source,
        "note": gift.note,
    }
    result = db.session.execute(
        sa.update(OfflineGift)
        .where(
            OfflineGift.id == gift_id,
            OfflineGift.amount_minor == seen_amount,
            OfflineGift.removed_at.is_(None),
        )
        .values(
            amount_minor=entry.amount_minor,
            received_on=entry.received_on,
            method=entry.method,
            source=entry.source,
            note=entry.note,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise OfflineError("Someone changed this entry meanwhile; check it and try again.")
    bump_totals(gift.campaign_id, raised=entry.amount_minor - seen_amount)
    signals.offline_gift_changed.send(gift)
    audit.record(
        "offline_correct",
        f"Corrected an offline entry: {format_money(seen_amount, gift.currency)} → "
        f"{format_money(entry.amount_minor, gift.currency)}",
        organiser=organiser,
        offline_gift=gift_id,
        before=before,
        after={
            "amount": entry.amount_minor,
            "received_on": entry.received_on.isoformat(),
            "method": entry.method,
            "source": entry.source,
            "note": entry.note,
        },
        reason=reason.strip()[:300],
    )
    db.session.commit()
    db.session.refresh(gift)
    return gift


def remove(gift_id: int, *, reason: str, organiser: Organiser) -> OfflineGift:
    """Take an entry out of `raised` (kept, marked removed, with the reason); commits."""
    require_whole_campaign(organiser, "remove offline money")
    if not reason.strip():
        raise OfflineError("Say why you are removing it.")
    gift = db.session.get(OfflineGift, gift_id)
    if gift is None:
        raise OfflineError("That entry does not exist.")
    result = db.session.execute(
        sa.update(OfflineGift)
        .where(OfflineGift.id == gift_id, OfflineGift.removed_at.is_(None))
        .values(removed_at=utcnow(), removed_reason=reason.strip()[:300])
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise OfflineError("That entry was already removed.")
    # Read the amount after the conditional update: it is the one this removal took out.
    amount = db.session.scalar(sa.select(OfflineGift.amount_minor).where(OfflineGift.id == gift_id))
    bump_totals(gift.campaign_id, raised=-int(amount or 0))
    signals.offline_gift_changed.send(gift)
    audit.record(
        "offline_remove",
        f"Removed an offline entry of {format_money(int(amount or 0), gift.currency)}",
        organiser=organiser,
        offline_gift=gift_id,
        reason=reason.strip()[:300],
    )
    db.session.commit()
    db.session.refresh(gift)
    return gift
