"""Refunds and disputes from Stripe, and what they take out of `raised`.

Every effect goes through `apply_deductions`, which recomputes what one
donation's refunds and open disputes should take out of `raised` and moves
the campaign total by the difference from what it took before. So each refund
id counts once, whatever order or how often events arrive: recording the same
refund again changes nothing, and a refund that lands before its payment's
success is taken out when the success is counted (via `donation_succeeded`).
Each entry point locks the donation's deduction row first (FOR UPDATE on
PostgreSQL; SQLite's single writer does the same), so concurrent events for
one donation queue. Nothing here commits: the webhook ledger or the caller does.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ... import signals
from ...extensions import db
from ...models import (
    Dispute,
    DisputeStatus,
    Donation,
    DonationDeduction,
    DonationStatus,
    Outcome,
    OutcomeCode,
    Refund,
    RefundOrigin,
    RefundStatus,
)
from ...payments import stripe_gateway
from ...payments.vocabulary import dispute_status, refund_status
from ..campaigns.campaigns import bump_totals

# Refund statuses that mean the money is leaving or has left.
REFUND_COUNTING = frozenset(
    {RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION, RefundStatus.SUCCEEDED}
)
# A refund's status only moves forward: pending -> succeeded -> failed is
# possible at Stripe, so a late "pending" never undoes a "failed".
_REFUND_RANK: dict[str, int] = {
    RefundStatus.REQUESTED: 0,
    RefundStatus.PENDING: 1,
    RefundStatus.REQUIRES_ACTION: 1,
    RefundStatus.SUCCEEDED: 2,
    RefundStatus.FAILED: 3,
    RefundStatus.CANCELED: 3,
}
# Dispute statuses in the order Stripe moves through them. Inquiries
# (warning_*) withdraw nothing; a lost dispute can still be appealed and won.
_DISPUTE_RANK: dict[str, int] = {
    DisputeStatus.WARNING_NEEDS_RESPONSE: 1,
    DisputeStatus.WARNING_UNDER_REVIEW: 2,
    DisputeStatus.WARNING_CLOSED: 3,
    DisputeStatus.NEEDS_RESPONSE: 4,
    DisputeStatus.UNDER_REVIEW: 5,
    DisputeStatus.LOST: 6,
    DisputeStatus.APPEAL_NEEDS_RESPONSE: 7,
    DisputeStatus.APPEAL_UNDER_REVIEW: 8,
    DisputeStatus.WON: 9,
    DisputeStatus.PREVENTED: 9,
    DisputeStatus.CHARGE_REFUNDED: 9,
}
# Statuses where no money is out, when the dispute carries no balance transactions.
DISPUTE_NOT_OUT = frozenset(
    {
        DisputeStatus.WON,
        DisputeStatus.PREVENTED,
        DisputeStatus.CHARGE_REFUNDED,
        DisputeStatus.WARNING_NEEDS_RESPONSE,
        DisputeStatus.WARNING_UNDER_REVIEW,
        DisputeStatus.WARNING_CLOSED,
    }
)


def _insert_ignore() -> Any:
    """An INSERT that skips an existing primary key, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(DonationDeduction)


def lock(donation_id: int) -> None:
    """Create the donation's deduction row if missing and lock it for this transaction."""
    db.session.flush()
    stmt = _insert_ignore().values(
        donation_id=donation_id,
        refunded_minor=0,
        disputed_minor=0,
        deducted_minor=0,
        charge_refunded_minor=0,
        charge_refunded_at=0,
    )
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["donation_id"]))
    db.session.execute(
        sa.select(DonationDeduction.donation_id)
        .where(DonationDeduction.donation_id == donation_id)
        .with_for_update()
    )


def _sum(column: Any, *where: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where)))


def apply_deductions(donation_id: int) -> int:
    """Bring `raised` in line with the donation's refunds and disputes; return the change.

    Call after `lock`. A donation that has not succeeded takes nothing out
    (it was never counted); neither refunds nor disputes take out more than it gave.
    """
    db.session.flush()
    donation = db.session.execute(
        sa.select(Donation.amount_minor, Donation.status, Donation.campaign_id).where(
            Donation.id == donation_id
        )
    ).one()
    row = db.session.execute(
        sa.select(DonationDeduction.deducted_minor, DonationDeduction.charge_refunded_minor).where(
            DonationDeduction.donation_id == donation_id
        )
    ).one()
    refunded = min(donation.amount_minor, refunded_by_state(donation_id, row.charge_refunded_minor))
    disputed = _sum(Dispute.withdrawn_minor, Dispute.donation_id == donation_id)
    counted = donation.status == DonationStatus.SUCCEEDED
    deducted = min(donation.amount_minor, refunded + disputed) if counted else 0
    db.session.execute(
        sa.update(DonationDeduction)
        .where(DonationDeduction.donation_id == donation_id)
        .values(refunded_minor=refunded, disputed_minor=disputed, deducted_minor=deducted)
        .execution_options(synchronize_session=False)
    )
    change = deducted - row.deducted_minor
    if change:
        bump_totals(donation.campaign_id, raised=-change)
        signals.donation_deducted.send(db.session.get_one(Donation, donation_id), change=change)
    return change


def refunded_by_state(donation_id: int, charge_refunded: int) -> int:
    """What the donation's refunds have taken, by each refund's current state at Stripe.

    Refunds known by id count while pending or succeeded; a failed or cancelled
    one gives its money back. The charge's `amount_refunded` (from
    `charge.refunded`) adds only what no known refund explains, so a refund that
    later fails is not kept as a high-water mark.
    """
    counting = _sum(
        Refund.amount_minor, Refund.donation_id == donation_id, Refund.status.in_(REFUND_COUNTING)
    )
    known = _sum(
        Refund.amount_minor,
        Refund.donation_id == donation_id,
        Refund.stripe_refund_id.is_not(None),
    )
    return counting + max(0, charge_refunded - known)


def _intent_id(obj: dict[str, Any]) -> str | None:
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    if isinstance(intent, str) and intent:
        return intent
    charge = obj.get("charge")
    if isinstance(charge, dict):
        charge = charge.get("id")
    # Older shapes name only the charge: ask Stripe which intent it belongs to.
    if isinstance(charge, str) and charge:
        return stripe_gateway.charge_payment_intent(charge)
    return None


def donation_for(obj: dict[str, Any]) -> Donation | None:
    """The donation a charge, refund or dispute object belongs to, by its intent."""
    intent_id = _intent_id(obj)
    if not intent_id:
        return None
    return db.session.scalar(
        sa.select(Donation).where(Donation.stripe_payment_intent_id == intent_id)
    )


def _locked_donation(obj: dict[str, Any]) -> Donation | Outcome:
    """The object's donation, locked for this transaction, or why there is none."""
    donation = donation_for(obj)
    if donation is None:
        return Outcome(OutcomeCode.NO_MATCH, "no matching donation")
    currency = str(obj.get("currency", "")).lower()
    if currency != donation.currency:
        return Outcome(
            OutcomeCode.MISMATCH,
            f"currency mismatch: {currency or 'none'} on a {donation.currency} donation",
        )
    lock(donation.id)
    return donation


def _outcome(change: int, what: str) -> Outcome:
    """A recorded refund, dispute or charge, saying how far `raised` moved (if it did)."""
    return Outcome(
        OutcomeCode.RECORDED,
        f"{what}; raised {'-' if change > 0 else '+'}{abs(change)}" if change else what,
    )


def record_refund(obj: dict[str, Any], *, origin: str = RefundOrigin.STRIPE) -> Outcome:
    """Record a Stripe refund object once by its id, then apply it. Returns an outcome."""
    refund_id, status = obj.get("id"), refund_status(obj.get("status"))
    amount = obj.get("amount")
    if not (isinstance(refund_id, str) and isinstance(amount, int) and amount > 0):
        return Outcome(OutcomeCode.MALFORMED, "not a refund")
    donation = _locked_donation(obj)
    if isinstance(donation, Outcome):
        return donation
    refund = db.session.scalar(sa.select(Refund).where(Refund.stripe_refund_id == refund_id))
    if refund is None:
        refund = _requested_by_us(obj, donation.id)
    if refund is None:
        refund = Refund(
            donation_id=donation.id,
            stripe_refund_id=refund_id,
            amount_minor=amount,
            currency=donation.currency,
            status=status,
            origin=origin,
        )
        db.session.add(refund)
        what = f"refund {refund_id} recorded ({status})"
    else:
        refund.stripe_refund_id = refund_id
        refund.amount_minor = amount
        if _REFUND_RANK.get(status, 0) >= _REFUND_RANK.get(refund.status, 0):
            refund.status = status
        what = f"refund {refund_id} now {refund.status}"
    if refund.status == RefundStatus.FAILED:
        refund.failure_message = str(obj.get("failure_reason") or "failed")[:300]
    return _outcome(apply_deductions(donation.id), what)


def _requested_by_us(obj: dict[str, Any], donation_id: int) -> Refund | None:
    """The dashboard's own request for this refund, named in its metadata."""
    raw = (obj.get("metadata") or {}).get("refund_id")
    if not (isinstance(raw, str) and raw.isdigit()):
        return None
    refund = db.session.get(Refund, int(raw))
    if refund is None or refund.donation_id != donation_id or refund.stripe_refund_id:
        return None
    return refund


def record_charge_refunded(charge: dict[str, Any], *, event_created: int) -> Outcome:
    """Apply a `charge.refunded` event: its refunds by id, and its refunded total.

    The charge's `amount_refunded` covers refunds whose own events never came;
    only the newest such figure is kept, and known refunds are never counted
    on top of it (the larger of the two counts).
    """
    donation = _locked_donation(charge)
    if isinstance(donation, Outcome):
        return donation
    refunds = (charge.get("refunds") or {}).get("data") or []
    for refund in refunds:
        if isinstance(refund, dict):
            record_refund({**refund, "payment_intent": donation.stripe_payment_intent_id})
    total = charge.get("amount_refunded")
    if isinstance(total, int) and total >= 0:
        seen = db.session.execute(
            sa.select(
                DonationDeduction.charge_refunded_minor, DonationDeduction.charge_refunded_at
            ).where(DonationDeduction.donation_id == donation.id)
        ).one()
        # Newest event wins; two in the same second keep the larger (refunds only grow).
        if event_created > seen.charge_refunded_at or (
            event_created == seen.charge_refunded_at and total > seen.charge_refunded_minor
        ):
            db.session.execute(
                sa.update(DonationDeduction)
                .where(DonationDeduction.donation_id == donation.id)
                .values(charge_refunded_minor=total, charge_refunded_at=event_created)
                .execution_options(synchronize_session=False)
            )
    return _outcome(apply_deductions(donation.id), f"charge refunded {total}")


def dispute_withdrawn(obj: dict[str, Any], currency: str) -> int:
    """What a dispute object says has left the balance and not come back, in minor units.

    Inquiries (warning_*) move nothing. Otherwise the dispute's
    `balance_transactions` tell it: each withdrawal is negative, each
    reinstatement (partial ones too) positive. When they are in another
    (settlement) currency, the withdrawn share is applied to the dispute's
    amount. With no balance transactions in the object, the status decides.
    """
    status, amount = dispute_status(obj.get("status")), int(obj.get("amount") or 0)
    if status.startswith("warning_"):
        return 0
    moves = obj.get("balance_transactions")
    if not isinstance(moves, list) or not all(
        isinstance(m, dict) and isinstance(m.get("amount"), int) for m in moves
    ):
        return 0 if status in DISPUTE_NOT_OUT else amount
    if not moves:
        return 0  # nothing has been withdrawn yet
    net = -sum(int(m["amount"]) for m in moves)
    if all(str(m.get("currency", "")).lower() == currency for m in moves):
        return max(0, min(amount, net))
    withdrawn = -sum(int(m["amount"]) for m in moves if int(m["amount"]) < 0)
    if withdrawn <= 0:
        return 0
    return max(0, min(amount, amount * net // withdrawn))


def _dispute_progress(obj: dict[str, Any]) -> int:
    """Orders a dispute's versions: balance transactions only grow, then statuses move on."""
    moves = obj.get("balance_transactions")
    count = len(moves) if isinstance(moves, list) else 0
    return count * 100 + _DISPUTE_RANK.get(dispute_status(obj.get("status")), 0)


def record_dispute(obj: dict[str, Any]) -> Outcome:
    """Record a dispute's newest version by its id and apply it. Returns an outcome.

    A version with less progress than the one stored (fewer balance
    transactions, or an earlier status) is older and changes nothing, so any
    order of deliveries ends the same.
    """
    dispute_id, status, amount = obj.get("id"), dispute_status(obj.get("status")), obj.get("amount")
    if not (isinstance(dispute_id, str) and status and isinstance(amount, int) and amount >= 0):
        return Outcome(OutcomeCode.MALFORMED, "not a dispute")
    donation = _locked_donation(obj)
    if isinstance(donation, Outcome):
        return donation
    progress = _dispute_progress(obj)
    withdrawn = dispute_withdrawn(obj, donation.currency)
    dispute = db.session.scalar(sa.select(Dispute).where(Dispute.stripe_dispute_id == dispute_id))
    if dispute is None:
        dispute = Dispute(
            donation_id=donation.id,
            stripe_dispute_id=dispute_id,
            amount_minor=amount,
            currency=donation.currency,
            status=status[:40],
            reason=str(obj.get("reason") or "")[:60],
            withdrawn_minor=withdrawn,
            progress=progress,
        )
        db.session.add(dispute)
    elif progress >= dispute.progress:
        dispute.status = status[:40]
        dispute.amount_minor = amount
        dispute.withdrawn_minor = withdrawn
        dispute.progress = progress
    return _outcome(apply_deductions(donation.id), f"dispute {dispute_id} {dispute.status}")


_EARLY_DEDUCTION = (
    sa.select(sa.literal(1))
    .where(
        sa.or_(
            sa.exists().where(Refund.__table__.c.donation_id == sa.bindparam("donation_id")),
            sa.exists().where(Dispute.__table__.c.donation_id == sa.bindparam("donation_id")),
        )
    )
    .limit(1)
)


def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """A refund or dispute that arrived before the payment's success applies now."""
    # On the tables, not through the ORM: nearly every success has nothing to take
    # out, and on the webhook's path this runs while holding SQLite's write lock.
    pending = db.session.connection().scalar(_EARLY_DEDUCTION, {"donation_id": donation.id})
    if pending:
        lock(donation.id)
        apply_deductions(donation.id)
