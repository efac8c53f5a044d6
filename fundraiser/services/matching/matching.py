"""Matched giving: a matcher doubles gifts started inside a window, 1:1 up to a cap.

Rules (decided here, tested in tests/integration/matching/):

- **Which gifts:** those *started* inside [starts_at, ends_at): the donation's
  creation, when the form told the donor "your £4 becomes £8". A webhook
  arriving after the window (Stripe can be slow, reconcile can be hours late)
  keeps the promise the donor saw; the figure is fixed by the donation row, so
  it is the same whatever the order or timing of deliveries. Only money Stripe
  confirmed counts (`succeeded`), net of its refunds and disputes.
- **How much:** promised = min(cap, what the matched gifts net to). A refund or
  dispute of a matched gift lowers the promise by what it takes out while the
  gifts are under the cap; above the cap the other gifts still fill it.
- **Owed:** promised - received (never below zero), where received is the
  offline money recorded as this matcher's payment (services/offline, so it
  enters `raised` then). The campaign's `matched_minor` is the sum owed: shown
  beside `raised`, never in it.

Every figure is recomputed from the rows (`recompute`), never moved by a delta.
Receivers run after `bump_totals` has locked the campaign row, so on PostgreSQL
two gifts of one match recompute one after the other and each sees the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import (
    Campaign,
    Donation,
    DonationDeduction,
    DonationStatus,
    GiftMatch,
    OfflineGift,
    OfflineMethod,
    Organiser,
)
from ...models.types import utcnow
from ...money import format_money
from ..campaigns.campaigns import pages_changed
from ..offline import offline
from ..organisers import audit
from ..organisers.scope import require_whole_campaign


class MatchError(UserError, ValueError):
    """A match that cannot be recorded or paid; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class MatchEntry:
    """What an organiser typed, already parsed."""

    matcher_name: str
    cap_minor: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class RunningMatch:
    """What the donate form and thank-you page need of the match running now."""

    id: int
    # Empty: "a supporter" in the page's language.
    matcher_name: str
    # How much more the matcher will match (cap less the gifts counted so far).
    room_minor: int
    currency: str
    starts_at: datetime
    ends_at: datetime

    def extra_for(self, amount_minor: int) -> int:
        """What the matcher adds to a gift of `amount_minor` if it were counted now."""
        return max(0, min(amount_minor, self.room_minor))


def listing(campaign: Campaign) -> list[GiftMatch]:
    """The campaign's matches, newest window first."""
    return list(
        db.session.scalars(
            sa.select(GiftMatch)
            .where(GiftMatch.campaign_id == campaign.id)
            .order_by(GiftMatch.starts_at.desc(), GiftMatch.id.desc())
        )
    )


def running_match_id(campaign_id: int, at: datetime) -> int | None:
    """The match whose window holds `at`, if any (one indexed query; windows never overlap)."""
    return db.session.scalar(
        sa.select(GiftMatch.id)
        .where(
            GiftMatch.campaign_id == campaign_id,
            GiftMatch.starts_at <= at,
            GiftMatch.ends_at > at,
        )
        .limit(1)
    )


def current_or_next(campaign: Campaign, at: datetime | None = None) -> RunningMatch | None:
    """The match running at `at` (now by default), else the next to start, if it has
    room left. Public pages are cached, so they carry the window and their script
    shows the offer only inside it."""
    match = db.session.scalar(
        sa.select(GiftMatch)
        .where(GiftMatch.campaign_id == campaign.id, GiftMatch.ends_at > (at or utcnow()))
        .order_by(GiftMatch.starts_at)
        .limit(1)
    )
    if match is None or match.gifts_minor >= match.cap_minor:
        return None
    return RunningMatch(
        id=match.id,
        matcher_name=match.matcher_name,
        room_minor=match.cap_minor - match.gifts_minor,
        currency=match.currency,
        starts_at=match.starts_at,
        ends_at=match.ends_at,
    )


def match_of(donation: Donation) -> tuple[GiftMatch, int] | None:
    """The donation's match and what it adds to this gift, for the thank-you page;
    None when it has no match or the cap was already full.

    The gifts counted before this one are the match's gifts less this one's own
    if it is already counted.
    """
    if donation.match_id is None or donation.status == DonationStatus.FAILED:
        return None
    match = db.session.get(GiftMatch, donation.match_id)
    if match is None:
        return None
    others = match.gifts_minor
    if donation.status == DonationStatus.SUCCEEDED:
        others -= donation.amount_minor
    extra = max(0, min(donation.amount_minor, match.cap_minor - others))
    return (match, extra) if extra else None


def _check(entry: MatchEntry) -> None:
    if entry.cap_minor <= 0:
        raise MatchError("The cap must be more than zero.")
    if entry.ends_at <= entry.starts_at:
        raise MatchError("The end must be after the start.")
    if entry.ends_at <= utcnow():
        raise MatchError("The end must be in the future.")


def add(campaign: Campaign, entry: MatchEntry, organiser: Organiser) -> GiftMatch:
    """Record a match (audited) and count the gifts already started in its window; commits.

    Raises MatchError (nothing stored) for a bad cap or window, or one that
    overlaps another match (a gift is matched by one matcher only).
    """
    require_whole_campaign(organiser, "record a match")
    _check(entry)
    overlapping = db.session.scalar(
        sa.select(GiftMatch.id).where(
            GiftMatch.campaign_id == campaign.id,
            GiftMatch.starts_at < entry.ends_at,
            GiftMatch.ends_at > entry.starts_at,
        )
    )
    if overlapping is not None:
        raise MatchError("Another match runs at that time; matches may not overlap.")
    match = GiftMatch(
        campaign_id=campaign.id,
        matcher_name=entry.matcher_name.strip()[:120],
        cap_minor=entry.cap_minor,
        currency=campaign.currency,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        organiser_id=organiser.id,
    )
    db.session.add(match)
    db.session.flush()
    # A window that began in the past takes the gifts started in it since.
    db.session.execute(
        sa.update(Donation)
        .where(
            Donation.campaign_id == campaign.id,
            Donation.match_id.is_(None),
            Donation.created_at >= entry.starts_at,
            Donation.created_at < entry.ends_at,
        )
        .values(match_id=match.id)
        .execution_options(synchronize_session=False)
    )
    recompute(match.id)
    pages_changed(campaign.id, what="match")
    audit.record(
        "match_add",
        f"Recorded a match by {display_name(match)} of up to"
        f" {format_money(entry.cap_minor, campaign.currency)},"
        f" {entry.starts_at:%Y-%m-%d %H:%M} to {entry.ends_at:%Y-%m-%d %H:%M} UTC",
        organiser=organiser,
        match_id=match.id,
        cap_minor=entry.cap_minor,
        starts_at=entry.starts_at.isoformat(),
        ends_at=entry.ends_at.isoformat(),
    )
    db.session.commit()
    return match


def end_now(match_id: int, organiser: Organiser) -> GiftMatch:
    """Close a running match's window now (gifts already started stay matched); commits."""
    require_whole_campaign(organiser, "end a match")
    match = db.session.get(GiftMatch, match_id)
    now = utcnow()
    if match is None:
        raise MatchError("There is no such match.")
    if not match.starts_at <= now < match.ends_at:
        raise MatchError("That match is not running.")
    # The campaign row first, as the webhook path locks it (then the match): no deadlock.
    pages_changed(match.campaign_id, what="match")
    match.ends_at = now
    db.session.flush()
    # A gift started in the instant it took to end the match falls outside the window.
    recompute(match.id)
    audit.record(
        "match_end",
        f"Ended the match by {display_name(match)} early",
        organiser=organiser,
        match_id=match.id,
        ends_at=now.isoformat(),
    )
    db.session.commit()
    return match


def record_received(
    match_id: int, amount_minor: int, organiser: Organiser, *, note: str = ""
) -> GiftMatch:
    """Record the matcher's payment as offline money: it enters `raised`, and what
    they owe (and the campaign's `matched`) drops by as much. Audited; commits.

    Raises MatchError for an unknown match or an amount that is not positive.
    """
    require_whole_campaign(organiser, "record a matcher's payment")
    match = db.session.get(GiftMatch, match_id)
    if match is None:
        raise MatchError("There is no such match.")
    if amount_minor <= 0:
        raise MatchError("The amount must be more than zero.")
    campaign = db.session.get_one(Campaign, match.campaign_id)
    # offline.add recomputes the match through the offline_gift_changed signal,
    # writes the audit entry and commits: one transaction with the payment.
    offline.add(
        campaign,
        offline.OfflineEntry(
            amount_minor=amount_minor,
            received_on=utcnow().date(),
            method=OfflineMethod.BANK_TRANSFER,
            source=f"match-{match.id}",
            note=(note.strip() or f"Matched giving: {display_name(match)}")[:500],
        ),
        organiser,
        match_id=match.id,
    )
    db.session.refresh(match)
    return match


def display_name(match: GiftMatch) -> str:
    """The matcher's name for the dashboard ("a supporter" when not given)."""
    return match.matcher_name or "a supporter"


def recompute(match_id: int) -> None:
    """Set the match's figures and its campaign's `matched_minor` from the rows, in the
    caller's transaction (two UPDATEs). Idempotent: calling it again changes nothing."""
    net = Donation.amount_minor - sa.func.coalesce(DonationDeduction.deducted_minor, 0)
    gifts = (
        sa.select(sa.func.coalesce(sa.func.sum(net), 0))
        .select_from(Donation)
        .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
        .where(
            Donation.match_id == GiftMatch.id,
            Donation.status == DonationStatus.SUCCEEDED,
            # The window is the rule; the tag only finds the rows fast.
            Donation.created_at >= GiftMatch.starts_at,
            Donation.created_at < GiftMatch.ends_at,
        )
        .scalar_subquery()
    )
    received = (
        sa.select(sa.func.coalesce(sa.func.sum(OfflineGift.amount_minor), 0))
        .where(OfflineGift.match_id == GiftMatch.id, OfflineGift.removed_at.is_(None))
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(GiftMatch)
        .where(GiftMatch.id == match_id)
        .values(
            gifts_minor=gifts,
            promised_minor=sa.case((gifts < GiftMatch.cap_minor, gifts), else_=GiftMatch.cap_minor),
            received_minor=received,
        )
        .execution_options(synchronize_session=False)
    )
    # Each matcher's owed floors at zero on its own: one who paid more than
    # promised does not lower what another still owes.
    owed = sa.case(
        (
            GiftMatch.promised_minor > GiftMatch.received_minor,
            GiftMatch.promised_minor - GiftMatch.received_minor,
        ),
        else_=0,
    )
    campaign_id = sa.select(GiftMatch.campaign_id).where(GiftMatch.id == match_id).scalar_subquery()
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(
            matched_minor=sa.select(sa.func.coalesce(sa.func.sum(owed), 0))
            .where(GiftMatch.campaign_id == Campaign.id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    # Rows already loaded read the new figures on next access.
    for row in list(db.session.identity_map.values()):
        if isinstance(row, GiftMatch):
            db.session.expire(row, ["gifts_minor", "promised_minor", "received_minor"])
        elif isinstance(row, Campaign):
            db.session.expire(row, ["matched_minor"])


def on_donation_changed(donation: Donation, **_: Any) -> None:
    """A gift's success or deduction: recompute its match. Nothing when it has none."""
    if donation.match_id is not None:
        recompute(donation.match_id)


def on_offline_gift_changed(gift: OfflineGift, **_: Any) -> None:
    """A matcher's payment was recorded, corrected or removed: recompute what they owe."""
    if gift.match_id is not None:
        recompute(gift.match_id)
