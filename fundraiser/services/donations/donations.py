"""Donations: starting one, and the state machine that moves it.

States: created -> pending -> succeeded | failed, and failed -> succeeded (a
later attempt on the same intent, or a failure delivered after its success).
`succeeded` is final here. Each transition is a conditional UPDATE on the row
(the compare-and-set is the lock, on SQLite and PostgreSQL alike): when the
row is no longer in an allowed source state the transition is a no-op, so
repeating it, concurrently or out of order, counts nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ... import signals
from ...extensions import db
from ...models import Campaign, Donation, DonationStatus, DonationTransition, Outcome, OutcomeCode
from ...models.types import utcnow
from ...payments import stripe_gateway
from .. import state
from ..campaigns.campaigns import bump_totals
from ..matching import matching
from ..moderation import moderation

CREATED, PENDING = DonationStatus.CREATED, DonationStatus.PENDING
SUCCEEDED, FAILED = DonationStatus.SUCCEEDED, DonationStatus.FAILED
FINAL_STATES = frozenset({SUCCEEDED})
# The transition reason of a decline reported by Stripe (counted by the cool-down).
DECLINED_REASON = "payment_intent.payment_failed"
# A donation still `created` this long after it was made never reached Stripe.
ABANDONED_AFTER = timedelta(minutes=15)

# session.info key: intent id -> its Donation, loaded ahead by look_up_by_intent.
_LOOKED_UP = "donations_looked_up_by_intent"
_INSERT_TRANSITION = sa.insert(DonationTransition.__table__)
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")  # models.types.new_public_id's alphabet

# target state -> the states it may be entered from
ALLOWED_SOURCES: dict[str, frozenset[str]] = {
    PENDING: frozenset({CREATED}),
    FAILED: frozenset({CREATED, PENDING}),
    SUCCEEDED: frozenset({CREATED, PENDING, FAILED}),
}


@dataclass(frozen=True, slots=True)
class DonationRequest:
    """What a donor asked for, already validated."""

    amount_minor: int
    display_name: str | None = None
    name_public: bool = False
    message: str | None = None
    email: str | None = None
    source: str | None = None
    team_id: int | None = None
    fee_cover_minor: int = 0  # added on top of the gift; the charge is the sum
    pledge_id: int | None = None
    updates_consent: bool = False  # "email me updates": kept only with an email address
    locale: str | None = None  # the page's language, for the receipt
    # Keyed hashes of the client (security/client_keys.py), for the decline cool-down.
    address_hash: str | None = None
    session_hash: str | None = None


@dataclass(frozen=True, slots=True)
class StartedDonation:
    donation: Donation  # expired by the commit: reading it loads it again
    public_id: str
    client_secret: str


def transition(
    donation_id: int,
    to_status: str,
    *,
    reason: str = "",
    stripe_event_id: str | None = None,
    values: dict[str, Any] | None = None,
    expected: str | None = None,
) -> str | None:
    """Move a donation to `to_status` if its state allows it (`expected`: the
    state the caller just read, tried first, see state.move).

    Returns the state it left, or None when it was not in an allowed source
    state (already final, or unknown), in which case nothing was written.
    Runs in the caller's transaction; the caller commits.
    """
    previous = state.move(
        Donation,
        donation_id,
        ALLOWED_SOURCES[to_status],
        to_status,
        values or {},
        expected=expected,
    )
    if previous is None:
        return None
    # A plain INSERT, not an ORM object to flush: nothing reads the row back here,
    # and on the webhook's path this runs while holding SQLite's write lock.
    db.session.connection().execute(
        _INSERT_TRANSITION,
        {
            "donation_id": donation_id,
            "from_status": previous,
            "to_status": to_status,
            "reason": reason[:300],
            "stripe_event_id": stripe_event_id,
        },
    )
    return previous


def consent_time(request: DonationRequest, already: datetime | None = None) -> datetime | None:
    """When the donor asked for updates by email (`already`, if they had), or None:
    not asked, or no address to send them to."""
    if not (request.updates_consent and request.email):
        return None
    return already or utcnow()


def start_donation(campaign: Campaign, request: DonationRequest) -> StartedDonation:
    """Record the donation, then create its PaymentIntent. Moves no money.

    The row is committed before Stripe is called so a crash in between leaves a
    trace; the idempotency key comes from the row's own random id.
    Raises stripe_gateway.PaymentProviderError (the donation is then failed).
    """
    now = utcnow()
    donation = Donation(
        campaign_id=campaign.id,
        # Started now: the match running now (if any) doubles it (services/matching).
        created_at=now,
        match_id=matching.running_match_id(campaign.id, now),
        amount_minor=request.amount_minor,
        currency=campaign.currency,
        status=CREATED,
        display_name=request.display_name,
        name_public=request.name_public and bool(request.display_name),
        message=request.message,
        moderation=moderation.initial_state(
            campaign, request.name_public, request.display_name, request.message
        ),
        email=request.email,
        source=request.source,
        team_id=request.team_id,
        fee_cover_minor=request.fee_cover_minor,
        pledge_id=request.pledge_id,
        locale=request.locale,
        updates_consent_at=consent_time(request),
        client_address_hash=request.address_hash,
        client_session_hash=request.session_hash,
    )
    db.session.add(donation)
    db.session.flush()
    # Read before the commit expires them: reading them after it would check a
    # connection out of the pool again (and, on PostgreSQL, open a transaction)
    # for the whole Stripe call, and a worker's pool is smaller than its threads.
    donation_id, public_id, slug = donation.id, donation.public_id, campaign.slug
    charge_minor, currency = donation.charge_minor, donation.currency
    db.session.commit()
    try:
        intent = stripe_gateway.create_payment_intent(
            amount_minor=charge_minor,
            currency=currency,
            metadata={"donation_id": str(donation_id), "campaign": slug},
            idempotency_key=f"donation-{public_id}",
        )
    except stripe_gateway.PaymentProviderError as exc:
        transition(
            donation_id,
            FAILED,
            reason=f"intent not created: {exc.code or 'error'}",
            expected=CREATED,
        )
        db.session.commit()
        raise
    transition(
        donation_id,
        PENDING,
        reason="payment intent created",
        values={"stripe_payment_intent_id": intent.id},
        expected=CREATED,  # this request made it; the compare-and-set checks
    )
    db.session.commit()
    return StartedDonation(
        donation=donation, public_id=public_id, client_secret=intent.client_secret
    )


def close_abandoned(older_than: timedelta = ABANDONED_AFTER) -> int:
    """Fail donations still `created` after `older_than`; return how many. Moves no money.

    `created` lasts only while its PaymentIntent is being made (seconds, with the
    Stripe client's deadlines), so an older one lost its process mid-request and no
    donor holds its client secret. Should Stripe report it paid after all, the
    failed -> succeeded move still counts it. Commits.
    """
    cutoff = utcnow() - older_than
    stuck = db.session.scalars(
        sa.select(Donation.id).where(Donation.status == CREATED, Donation.created_at < cutoff)
    ).all()
    closed = sum(
        transition(
            donation_id, FAILED, reason="abandoned: no payment intent recorded", expected=CREATED
        )
        is not None
        for donation_id in stuck
    )
    db.session.commit()
    return closed


def look_up_by_intent(intent: dict[str, Any]) -> None:
    """Load the intent's donation ahead of `find_by_intent`, before the write
    transaction begins (the webhook ledger's look-up; reads only).

    What it loads may be stale by the time it is used: only immutable fields
    (amount, currency, campaign) are trusted, and the status is just the first
    guess of the compare-and-set, which reads it again when it was wrong.
    """
    donation = find_by_intent(intent)
    if donation is not None:
        # The object itself: the session's identity map holds only weak references.
        db.session.info.setdefault(_LOOKED_UP, {})[intent.get("id")] = donation


# Built once: every payment intent event looks its donation up with it.
_BY_INTENT = sa.select(Donation).where(
    Donation.stripe_payment_intent_id == sa.bindparam("intent_id", type_=sa.String)
)


def find_by_intent(intent: dict[str, Any]) -> Donation | None:
    """The donation an intent belongs to: by intent id, else by its metadata
    (no query when `look_up_by_intent` already loaded it in this session)."""
    known = db.session.info.get(_LOOKED_UP, {}).pop(intent.get("id"), None)
    if known is not None and known in db.session:
        return known  # attributes a rollback expired are read again when used
    donation = db.session.scalar(_BY_INTENT, {"intent_id": intent.get("id")})
    if donation is not None:
        return donation
    raw_id = (intent.get("metadata") or {}).get("donation_id")
    if not (isinstance(raw_id, str) and raw_id.isdigit()):
        return None
    donation = db.session.get(Donation, int(raw_id))
    # An intent id already on the row must be this one; never adopt another's.
    if donation is None or donation.stripe_payment_intent_id not in (None, intent.get("id")):
        return None
    return donation


def record_success(intent: dict[str, Any], *, event_id: str | None) -> Outcome:
    """Count a succeeded intent once, if it matches its donation. Returns an outcome."""
    donation = find_by_intent(intent)
    if donation is None:
        return Outcome(OutcomeCode.NO_MATCH, "no matching donation")
    amount, currency = intent.get("amount"), str(intent.get("currency", "")).lower()
    if amount != donation.charge_minor or currency != donation.currency:
        return Outcome(
            OutcomeCode.MISMATCH,
            f"amount mismatch: intent {amount} {currency}, donation {donation.charge_minor} {donation.currency}",
        )
    values = {
        "succeeded_at": utcnow(),
        "stripe_payment_intent_id": intent["id"],
        "failure_message": None,
    }
    left = transition(
        donation.id,
        SUCCEEDED,
        reason="payment_intent.succeeded",
        stripe_event_id=event_id,
        values=values,
        expected=donation.status,
    )
    if left is None:
        db.session.refresh(donation, ["status"])  # it may have been loaded ahead
        return Outcome(OutcomeCode.ALREADY, f"already {donation.status}")
    bump_totals(donation.campaign_id, raised=donation.amount_minor, donations=1)
    # What the UPDATE wrote, told to the loaded row without reading it back
    # (one round trip fewer per webhook); only updated_at is left to load.
    for key, value in {**values, "status": SUCCEEDED}.items():
        set_committed_value(donation, key, value)
    db.session.expire(donation, ["updated_at"])
    signals.donation_succeeded.send(donation, event_id=event_id)
    return Outcome(OutcomeCode.COUNTED)


def record_failure(intent: dict[str, Any], *, event_id: str | None) -> Outcome:
    """Mark a donation failed, unless it already succeeded. Returns an outcome."""
    donation = find_by_intent(intent)
    if donation is None:
        return Outcome(OutcomeCode.NO_MATCH, "no matching donation")
    error = intent.get("last_payment_error") or {}
    message = error.get("message") if isinstance(error, dict) else None
    left = transition(
        donation.id,
        FAILED,
        reason=DECLINED_REASON,
        stripe_event_id=event_id,
        values={"failure_message": (message or "payment failed")[:300]},
    )
    if left is None:
        return Outcome(OutcomeCode.ALREADY, f"already {donation.status}")
    db.session.refresh(donation)
    signals.donation_failed.send(donation, event_id=event_id)
    return Outcome(OutcomeCode.MARKED_FAILED, "marked failed")


def by_public_id(public_id: str) -> Donation | None:
    """The donation with this public id; None for anything that can't be one (so a
    NUL or an overlong string from a URL never reaches the database)."""
    if not _PUBLIC_ID.fullmatch(public_id):
        return None
    return db.session.scalar(sa.select(Donation).where(Donation.public_id == public_id))
