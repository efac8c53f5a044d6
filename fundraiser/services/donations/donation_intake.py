"""Starting a donation behind the card-testing checks that need the database.

`start_or_reuse` refuses while the client is cooling down after repeated
declines, hands back the session's still-open intent for a repeated click,
and otherwise starts a new donation. The rate limits and the honeypot run
earlier, in the view (see fundraiser/security/card_testing.py).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import Campaign, Donation, DonationTransition
from ...models.types import utcnow
from ...payments import stripe_gateway
from ...payments.vocabulary import IntentStatus
from ...security.client_keys import ClientKeys
from . import donations

# Intent states in which nobody has tried a card yet: safe to hand out again.
_UNTRIED_STATES = frozenset(
    {IntentStatus.REQUIRES_PAYMENT_METHOD, IntentStatus.REQUIRES_CONFIRMATION}
)


class CoolingDown(Exception):
    """Too many recent declines from this address or session; start nothing."""


def _count_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


_BY_SESSION = Donation.client_session_hash == sa.bindparam("session_hash")
_BY_ADDRESS = Donation.client_address_hash == sa.bindparam("address_hash")
# Built once, run on every POST /donate: both counts in one pass over the few
# recent failures (the transition's status and time index), in one round trip.
_RECENT_DECLINES = (
    sa.select(_count_where(_BY_SESSION), _count_where(_BY_ADDRESS))
    .select_from(DonationTransition)
    .join(Donation, Donation.id == DonationTransition.donation_id)
    .where(
        DonationTransition.to_status == donations.FAILED,
        DonationTransition.reason == donations.DECLINED_REASON,
        DonationTransition.created_at >= sa.bindparam("since"),
        sa.or_(_BY_SESSION, _BY_ADDRESS),
    )
)


def recent_declines(client: ClientKeys) -> tuple[int, int]:
    """Declines Stripe reported within the window: (for this session, for this address)."""
    window = int(current_app.config["DECLINE_WINDOW_SECONDS"])
    by_session, by_address = db.session.execute(
        _RECENT_DECLINES,
        {
            "session_hash": client.session_hash,
            "address_hash": client.address_hash,
            "since": utcnow() - timedelta(seconds=window),
        },
    ).one()
    return int(by_session), int(by_address)  # coalesced: 0 when none


def cooling_down(client: ClientKeys) -> bool:
    """True when this address or session has had too many declines lately."""
    cfg = current_app.config
    by_session, by_address = recent_declines(client)
    return by_session >= int(cfg["DECLINES_PER_SESSION"]) or by_address >= int(
        cfg["DECLINES_PER_ADDRESS"]
    )


def reusable(
    campaign: Campaign, request: donations.DonationRequest, open_public_id: str | None
) -> donations.StartedDonation | None:
    """The session's open donation, if its intent is untried and for the same gift
    (amount, fee cover, team and pledge alike).

    Asks Stripe for the intent's state (moves no money): after a decline the
    intent carries the error and a fresh one is started instead, as Stripe allows.
    Updates the donor's details on the row when they changed.
    """
    donation = donations.by_public_id(open_public_id) if open_public_id else None
    if (
        donation is None
        or donation.campaign_id != campaign.id
        or donation.status != donations.PENDING
        or donation.amount_minor != request.amount_minor
        or donation.fee_cover_minor != request.fee_cover_minor
        or donation.team_id != request.team_id
        or donation.pledge_id != request.pledge_id
        or donation.client_session_hash != request.session_hash
        or not donation.stripe_payment_intent_id
    ):
        return None
    intent_id = donation.stripe_payment_intent_id
    # End the read transaction first: no pooled connection (nor SQLite snapshot)
    # is held while Stripe is asked, however long Stripe takes.
    db.session.commit()
    intent = stripe_gateway.retrieve_payment_intent(intent_id)
    if (
        intent.get("status") not in _UNTRIED_STATES
        or intent.get("last_payment_error")
        or intent.get("amount") != donation.charge_minor
        or not intent.get("client_secret")
    ):
        return None
    donation.display_name = request.display_name
    donation.name_public = request.name_public and bool(request.display_name)
    donation.message = request.message
    donation.email = request.email
    donation.source = request.source
    donation.locale = request.locale
    donation.updates_consent_at = donations.consent_time(request, donation.updates_consent_at)
    donation.client_address_hash = request.address_hash
    public_id = donation.public_id  # before the commit expires it
    db.session.commit()
    return donations.StartedDonation(
        donation=donation, public_id=public_id, client_secret=intent["client_secret"]
    )


def start_or_reuse(
    campaign: Campaign,
    request: donations.DonationRequest,
    client: ClientKeys,
    *,
    open_public_id: str | None = None,
) -> donations.StartedDonation:
    """Start a donation for `client`, or reuse its open one. Moves no money.

    Raises CoolingDown (nothing reaches Stripe) or
    stripe_gateway.PaymentProviderError (see donations.start_donation).
    """
    if cooling_down(client):
        raise CoolingDown
    request = dataclasses.replace(
        request, address_hash=client.address_hash, session_hash=client.session_hash
    )
    return reusable(campaign, request, open_public_id) or donations.start_donation(
        campaign, request
    )
