"""The idempotent webhook ledger and the registry of event handlers.

`process_event` stores the event id under a unique key in the same transaction
as the handler's effect, so any number of deliveries, in any order and at the
same time, take effect once. Handlers are registered by `fundraiser.wiring` (its
`WEBHOOK_HANDLERS` table) through `handles`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Outcome, OutcomeCode, StripeEvent
from ..payments.shapes import check_event
from ..payments.stripe_gateway import live_mode

Handler = Callable[[dict[str, Any]], Outcome]
HANDLERS: dict[str, Handler] = {}
# Optional, per type: reads the handler will need, done before the ledger row
# takes the write lock (see `process_event`).
LookUp = Callable[[dict[str, Any]], None]
LOOK_UPS: dict[str, LookUp] = {}

_EVENTS = StripeEvent.__table__
_RECORD = sa.insert(_EVENTS)
_OUTCOME = (
    sa.update(_EVENTS)
    .where(_EVENTS.c.id == sa.bindparam("event_id"))
    .values(outcome_code=sa.bindparam("code"), outcome_detail=sa.bindparam("detail"))
)


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `event_type`."""

    def register(func: Handler) -> Handler:
        HANDLERS[event_type] = func
        return func

    return register


def looks_up(event_type: str) -> Callable[[LookUp], LookUp]:
    """Register the decorated function as the look-up run before `event_type`'s handler."""

    def register(func: LookUp) -> LookUp:
        LOOK_UPS[event_type] = func
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

    A type's look-up (LOOK_UPS) runs first, outside the write transaction: it may
    only read, and the handler must not trust what it read to still hold (the
    donation state machine's compare-and-set re-checks it). On SQLite this keeps
    reads out of the one write lock every webhook queues for.
    """
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return Outcome(OutcomeCode.IGNORED)
    check_event(event)
    look_up = LOOK_UPS.get(str(event["type"]))
    if look_up is not None and _mode_mismatch(event) is None:
        look_up(event)
    row = {
        "id": event["id"],
        "type": event["type"],
        "stripe_created": int(event.get("created") or 0),
        "source": source,
    }
    try:
        # The ledger row first: it takes the write lock before any read, and a
        # duplicate fails here, before any effect. Plain SQL statements, not the
        # ORM's unit of work: on SQLite this transaction holds the one write lock,
        # so every microsecond in it is one every other writer waits for.
        connection = db.session.connection()
        connection.execute(_RECORD, row)
        outcome = _mode_mismatch(event) or handler(event)
        connection.execute(
            _OUTCOME,
            {"event_id": event["id"], "code": outcome.code, "detail": outcome.detail[:300]},
        )
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
