"""Stripe's own words for the states of its objects, and the one map to ours.

Stripe names a PaymentIntent's, a refund's and a dispute's states; the app's
states live beside its models (`fundraiser.models`). Code that reads a status
out of a Stripe object compares it with these, and what is stored goes
through `refund_status` / `dispute_status`, so a word Stripe adds or renames
is handled here once.
"""

from __future__ import annotations

from enum import StrEnum

from ..models import DisputeStatus, RefundStatus


class IntentStatus(StrEnum):
    """A PaymentIntent's `status`, as Stripe names it."""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"


class StripeRefundStatus(StrEnum):
    """A refund's `status`, as Stripe names it."""

    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"


# Stripe's refund word -> ours (ours add `requested`, a refund not yet at Stripe).
_REFUND_STATUS: dict[str, RefundStatus] = {
    StripeRefundStatus.PENDING: RefundStatus.PENDING,
    StripeRefundStatus.REQUIRES_ACTION: RefundStatus.REQUIRES_ACTION,
    StripeRefundStatus.SUCCEEDED: RefundStatus.SUCCEEDED,
    StripeRefundStatus.FAILED: RefundStatus.FAILED,
    StripeRefundStatus.CANCELED: RefundStatus.CANCELED,
}

# Stripe's dispute words are ours (a dispute is Stripe's process, stored as it says).
_DISPUTE_STATUS: dict[str, DisputeStatus] = {status.value: status for status in DisputeStatus}


def refund_status(raw: object) -> str:
    """Our state for a Stripe refund's `status`; a missing one is `pending`.

    A word Stripe adds later is kept as it comes (ranked lowest, counting nothing).
    """
    word = str(raw or StripeRefundStatus.PENDING)
    return _REFUND_STATUS.get(word, word)


def dispute_status(raw: object) -> str:
    """Our state for a Stripe dispute's `status` (the same words); "" when missing.

    A word Stripe adds later is kept as it comes (ranked lowest).
    """
    word = str(raw or "")
    return _DISPUTE_STATUS.get(word, word)
