"""Settling a donation from Stripe's own current view, when event order matters.

Events can arrive late, twice or out of order: a failure can be delivered
after (or without) the success of a later attempt on the same intent. When an
event would move a donation away from success, ask Stripe what the intent is
now and apply that. Handlers for refunds and disputes can use the same
`current_intent` before acting on a donation that has not yet succeeded here.
"""

from __future__ import annotations

from typing import Any

from ...models import Outcome, OutcomeCode
from ...payments import stripe_gateway
from ...payments.shapes import payment_intent
from ...payments.vocabulary import IntentStatus
from . import donations

# Stripe states that mean the intent is still being worked on: a failure
# reported earlier is stale, and the donation stays pending.
_IN_FLIGHT = frozenset(
    {
        IntentStatus.PROCESSING,
        IntentStatus.REQUIRES_ACTION,
        IntentStatus.REQUIRES_CONFIRMATION,
        IntentStatus.REQUIRES_CAPTURE,
    }
)


def current_intent(intent_id: str) -> dict[str, Any] | None:
    """The intent as Stripe holds it now, checked and cleaned; None if Stripe has none.

    Raises stripe_gateway.PaymentProviderError if Stripe can't be asked (the
    webhook then answers 5xx and Stripe retries). Moves no money.
    """
    found = stripe_gateway.find_payment_intent(intent_id)
    return payment_intent(found) if found is not None else None


def apply_failure(intent: dict[str, Any], *, event_id: str | None) -> Outcome:
    """Apply a payment_failed event in the light of Stripe's current state.

    If Stripe now says the intent succeeded, count the success instead; if it is
    still in flight, leave the donation pending; otherwise mark it failed and
    cancel the declined intent so its client secret can't be used to try more
    cards. Moves no money.
    """
    donation = donations.find_by_intent(intent)
    if donation is None:
        return Outcome(OutcomeCode.NO_MATCH, "no matching donation")
    if donation.status == donations.SUCCEEDED:
        return Outcome(OutcomeCode.ALREADY, "already succeeded")
    now = current_intent(intent["id"])
    if now is None:  # Stripe has no such intent any more: the event is all we know
        return donations.record_failure(intent, event_id=event_id)
    if now["status"] == IntentStatus.SUCCEEDED:
        return donations.record_success(now, event_id=event_id).prefixed("Stripe says succeeded: ")
    if now["status"] in _IN_FLIGHT:
        return Outcome(OutcomeCode.STALE, f"stale failure: Stripe says {now['status']}")
    outcome = donations.record_failure(intent, event_id=event_id)
    declined = now["status"] == IntentStatus.REQUIRES_PAYMENT_METHOD
    if declined and stripe_gateway.cancel_payment_intent(intent["id"]):
        # The page asks for a new intent after a decline, so nobody needs this
        # one again, while a card tester holding its client secret would try
        # card after card on it, out of reach of the limits on /donate.
        outcome = outcome.suffixed("; intent cancelled")
    return outcome
