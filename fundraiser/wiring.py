"""Where the app's parts are connected: every signal receiver and every webhook handler.

`init_app` (called by `create_app`) connects them all, explicitly, so nothing
is right only because some module happened to be imported. To react to a
donation event, add a receiver to `RECEIVERS`; to handle a new Stripe event
type, add it to `WEBHOOK_HANDLERS` (reconcile replays every type listed there).
tests/unit/test_wiring.py checks that each signal the app sends has
its receivers. Connecting twice (several apps in one process) is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Signal
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import signals
from .ops import metrics
from .services.donations import receipts
from .services.livestream import alerts
from .services.matching import matching
from .services.milestones import milestones
from .services.pledges import pledges
from .services.refunds import refunds_and_disputes
from .services.teams import teams
from .webhooks import handlers, ledger, refund_handlers

# (signal, receiver), in the order they run. Receivers run inside the
# transaction of the change that sent the signal (see fundraiser/signals.py).
RECEIVERS: tuple[tuple[Signal, Callable[..., Any]], ...] = (
    # The team total moves with the campaign's, in the same transaction.
    (signals.donation_succeeded, teams.count_for_team),
    # A refund or dispute recorded before the payment's success is taken out now.
    (signals.donation_succeeded, refunds_and_disputes.on_donation_succeeded),
    (signals.donation_succeeded, receipts.on_donation_succeeded),
    (signals.donation_succeeded, pledges.on_donation_succeeded),
    (signals.donation_succeeded, metrics.on_donation_succeeded),
    # The alerts overlay's feed: webhook-counted gifts only (after bump_totals's row lock).
    (signals.donation_succeeded, alerts.on_donation_succeeded),
    # After the alert row exists: a milestone now reached is celebrated with it.
    (signals.donation_succeeded, milestones.on_donation_succeeded),
    # What the gift's match promises (after early refunds were applied above);
    # nothing at all for a gift started outside every match.
    (signals.donation_succeeded, matching.on_donation_changed),
    (signals.donation_failed, metrics.on_donation_failed),
    (signals.donation_deducted, teams.deduct_for_team),
    (signals.donation_deducted, matching.on_donation_changed),
    (signals.offline_gift_changed, matching.on_offline_gift_changed),
)

# Stripe event type -> the handler the ledger runs (once per event id).
WEBHOOK_HANDLERS: dict[str, ledger.Handler] = {
    "payment_intent.succeeded": handlers.payment_intent_succeeded,
    "payment_intent.payment_failed": handlers.payment_intent_failed,
    "charge.refunded": refund_handlers.charge_refunded,
    "refund.created": refund_handlers.refund_changed,
    "refund.updated": refund_handlers.refund_changed,
    "refund.failed": refund_handlers.refund_changed,
    "charge.refund.updated": refund_handlers.refund_changed,
    "charge.dispute.created": refund_handlers.dispute_changed,
    "charge.dispute.updated": refund_handlers.dispute_changed,
    "charge.dispute.closed": refund_handlers.dispute_changed,
    "charge.dispute.funds_withdrawn": refund_handlers.dispute_changed,
    "charge.dispute.funds_reinstated": refund_handlers.dispute_changed,
}

# Stripe event type -> reads its handler needs, done before the ledger's write
# transaction (on SQLite, outside the one write lock every webhook queues for).
WEBHOOK_LOOK_UPS: dict[str, ledger.LookUp] = {
    "payment_intent.succeeded": handlers.look_up_intent,
    "payment_intent.payment_failed": handlers.look_up_intent,
}

# SQLAlchemy session events: metrics count money only once its transaction commits.
SESSION_LISTENERS: tuple[tuple[str, Callable[[Session], None]], ...] = (
    ("after_commit", metrics.count_committed),
    ("after_rollback", metrics.drop_rolled_back),
)


class InOrder:
    """One signal's receivers from RECEIVERS, called in the order listed there.

    blinker calls its receivers in the order of a set of ids (memory addresses),
    not the order they were connected, and later receivers rely on earlier ones
    (a milestone is celebrated on the alert row written just before it; a match
    is computed after early refunds are taken out): so each signal gets one
    receiver, this, which runs the list in order.
    """

    def __init__(self, receivers: tuple[Callable[..., Any], ...]) -> None:
        self.receivers = receivers

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        for receiver in self.receivers:
            receiver(sender, **kwargs)


# Built once, so connecting again (a second create_app) adds nothing.
DISPATCHERS: dict[Signal, InOrder] = {
    signal: InOrder(tuple(r for s, r in RECEIVERS if s is signal))
    for signal in dict.fromkeys(s for s, _ in RECEIVERS)
}


def init_app(app: Flask) -> None:
    """Connect every receiver, webhook handler and session listener (idempotent)."""
    for signal, dispatcher in DISPATCHERS.items():
        # weak=False: a receiver stays connected for the life of the process.
        signal.connect(dispatcher, weak=False)
    for event_type, handler in WEBHOOK_HANDLERS.items():
        ledger.handles(event_type)(handler)
    for event_type, look_up in WEBHOOK_LOOK_UPS.items():
        ledger.looks_up(event_type)(look_up)
    for name, listener in SESSION_LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
