"""Refunds an organiser makes from the dashboard, through Stripe.

The request is stored first (`requested`, under a unique key from the form,
so a double submit refunds once), then Stripe is asked with an idempotency
key built from that key, then Stripe's answer is recorded exactly as a
webhook would record it, so the later `refund.created` event changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...errors import UserError
from ...extensions import db
from ...models import (
    Dispute,
    Donation,
    DonationDeduction,
    DonationStatus,
    Organiser,
    Refund,
    RefundOrigin,
    RefundStatus,
)
from ...money import format_money
from ...payments import stripe_gateway
from ..organisers import audit
from ..organisers.scope import for_organiser
from . import refunds_and_disputes


class RefundError(UserError, ValueError):
    """A refund that cannot be made; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class MoneyOut:
    """A donation's refunds and disputes as they stand.

    Stripe refunds the charge (the gift plus any fee cover), so `to_card` and
    `refundable` are in charge money; `refunded` and `deducted` are what came
    out of `raised`, which counts the gift only (refunds_and_disputes.py caps them at it).
    """

    refunded: int
    disputed: int
    deducted: int
    to_card: int
    refundable: int
    refunds: list[Refund]
    disputes: list[Dispute]


def money_out(donation: Donation) -> MoneyOut:
    """Refunds, disputes and what can still be refunded at Stripe. Moves no money."""
    refunds = list(
        db.session.scalars(
            sa.select(Refund).where(Refund.donation_id == donation.id).order_by(Refund.id)
        )
    )
    disputes = list(
        db.session.scalars(
            sa.select(Dispute).where(Dispute.donation_id == donation.id).order_by(Dispute.id)
        )
    )
    row = db.session.get(DonationDeduction, donation.id)
    requested = sum(r.amount_minor for r in refunds if r.status == RefundStatus.REQUESTED)
    # Each known refund by its current state, plus what the charge's refunded
    # total shows beyond them (refunds made in Stripe whose own events never came).
    to_card = refunds_and_disputes.refunded_by_state(
        donation.id, row.charge_refunded_minor if row else 0
    )
    disputed = row.disputed_minor if row else 0
    taken = to_card + requested + disputed
    refundable = (
        max(0, donation.charge_minor - taken) if donation.status == DonationStatus.SUCCEEDED else 0
    )
    return MoneyOut(
        refunded=row.refunded_minor if row else 0,
        disputed=disputed,
        deducted=row.deducted_minor if row else 0,
        to_card=to_card,
        refundable=refundable,
        refunds=refunds,
        disputes=disputes,
    )


def refund_from_dashboard(
    donation_id: int,
    *,
    amount_minor: int,
    note: str,
    request_key: str,
    organiser: Organiser,
) -> Refund:
    """Refund part or all of a succeeded donation. MOVES MONEY (through Stripe).

    Commits. Raises RefundError (nothing refunded) when the amount is not
    refundable, the request was already made, or Stripe refuses.
    """
    refund = _record_request(donation_id, amount_minor, note, request_key, organiser)
    donation = db.session.get_one(Donation, donation_id)
    try:
        answer = stripe_gateway.create_refund(
            payment_intent_id=donation.stripe_payment_intent_id or "",
            amount_minor=amount_minor,
            metadata={"donation_id": str(donation.id), "refund_id": str(refund.id)},
            idempotency_key=f"refund-{request_key}",
        )
    except stripe_gateway.PaymentProviderError as exc:
        refund.status = RefundStatus.FAILED
        refund.failure_message = exc.message[:300]
        audit.record(
            "refund_failed",
            f"Refund of {format_money(amount_minor, donation.currency)} refused by Stripe",
            organiser=organiser,
            donation=donation.public_id,
            error=exc.message[:200],
        )
        db.session.commit()
        raise RefundError(f"Stripe refused the refund: {exc.message}") from exc
    outcome = refunds_and_disputes.record_refund(answer, origin=RefundOrigin.DASHBOARD)
    audit.record(
        "refund",
        f"Refunded {format_money(amount_minor, donation.currency)} of a "
        f"{format_money(donation.charge_minor, donation.currency)} payment",
        organiser=organiser,
        donation=donation.public_id,
        stripe_refund=answer.get("id"),
        amount=amount_minor,
        note=note,
        outcome=outcome.code,
        outcome_detail=outcome.detail,
    )
    db.session.commit()
    db.session.refresh(refund)
    return refund


def _range(currency: str, left: int) -> str:
    return (
        f"You can refund between {format_money(1, currency)} and "
        f"{format_money(left, currency)} of this donation."
    )


def check_amount(donation: Donation, amount_minor: int) -> None:
    """Raise RefundError when `amount_minor` is not refundable now; moves no money.

    For the confirmation step: the refund itself checks again, under the lock.
    """
    left = money_out(donation).refundable
    if left <= 0:
        raise RefundError("Nothing is left to refund on this donation.")
    if amount_minor <= 0 or amount_minor > left:
        raise RefundError(_range(donation.currency, left))


def _record_request(
    donation_id: int, amount_minor: int, note: str, request_key: str, organiser: Organiser
) -> Refund:
    """Check the amount against what is left, under the donation's lock, and store the request."""
    if not request_key or len(request_key) > 64:
        raise RefundError("The form was incomplete; reload the page and try again.")
    donation = db.session.get(Donation, donation_id)
    if donation is None:
        raise RefundError("There is no such donation.")
    if not for_organiser(organiser, donation.campaign_id).covers(donation):
        raise RefundError("You can only refund donations made through your own team's page.")
    refunds_and_disputes.lock(donation_id)
    db.session.refresh(donation)
    if donation.status != DonationStatus.SUCCEEDED or not donation.stripe_payment_intent_id:
        db.session.rollback()
        raise RefundError("Only a succeeded payment can be refunded.")
    left = money_out(donation).refundable
    if left <= 0:
        db.session.rollback()
        raise RefundError("Nothing is left to refund on this donation.")
    if amount_minor <= 0 or amount_minor > left:
        db.session.rollback()
        raise RefundError(_range(donation.currency, left))
    refund = Refund(
        donation_id=donation_id,
        request_key=request_key,
        amount_minor=amount_minor,
        currency=donation.currency,
        status=RefundStatus.REQUESTED,
        origin=RefundOrigin.DASHBOARD,
        note=note[:300],
        organiser_id=organiser.id,
    )
    db.session.add(refund)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise RefundError("This refund was already requested; see the list below.") from None
    return refund
