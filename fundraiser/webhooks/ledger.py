"""The idempotent webhook ledger and the registry of event handlers.

`process_event` stores the event id under a unique key in the same transaction
as the handler's effect, so any number of deliveries, in any order and at the
same time, take effect once. Handlers are registered by `fundraiser.wiring` (its
`WEBHOOK_HANDLERS` table) through `handles`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Outcome, OutcomeCode, StripeEvent
from ..payments.shapes import check_event
from ..payments.stripe_gateway import live_mode

Handler = Callable[[dict[str, Any]], Outcome]
HANDLERS: dict[str, Handler] = {}


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `event_type`."""

    def register(func: Handler) -> Handler:
        HANDLERS[event_type] = func
        return func

    return register


def process_event(event: dict[str, Any], *, source: str = "webhook") -> Outcome:
    """Apply a verified event once and commit. Returns what happened: a code, and a detail for logs.

    Unhandled types change nothing and are not stored. An event from the other
    mode (`livemode` true on test keys, or false on live keys) is stored with
    its outcome and counts nothing, whatever its type. A handler's exception
    (a database error included) rolls back the ledger row with the effect and
    propagates, so the webhook answers 5xx and Stripe's retry is processed afresh.
    Raises MalformedEvent for an envelope that can't be recorded.
    """
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return Outcome(OutcomeCode.IGNORED)
    check_event(event)
    record = StripeEvent(
        id=event["id"],
        type=event["type"],
        stripe_created=int(event.get("created") or 0),
        source=source,
    )
    db.session.add(record)
    try:
        # Flushing the ledger row first takes the write lock before any read.
        db.session.flush()
        outcome = _mode_mismatch(event) or handler(event)
        record.outcome_code, record.outcome_detail = outcome.code, outcome.detail[:300]
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # A concurrent delivery committed the same event id first. Any other
        # integrity error is a failed effect: answering "duplicate" would lose it.
        if already_recorded(event["id"]):
            return Outcome(OutcomeCode.DUPLICATE)
        raise
    except Exception:
        db.session.rollback()
        raise
    return outcome


def already_recorded(event_id: str) -> bool:
    """True when the ledger holds `event_id` (read in a fresh transaction)."""
    return db.session.get(StripeEvent, event_id) is not None


def _mode_mismatch(event: dict[str, Any]) -> Outcome | None:
    """Why the event must not count when its `livemode` differs from the key's, else None.

    Events without a `livemode` boolean (very old shapes) are taken as they come.
    """
    livemode = event.get("livemode")
    if not isinstance(livemode, bool) or livemode == live_mode():
        return None
    mine = "live" if live_mode() else "test"
    theirs = "live" if livemode else "test"
    return Outcome(
        OutcomeCode.WRONG_MODE,
        f"ignored: a {theirs}-mode event on {mine}-mode keys; nothing counted",
    )
