"""The idempotent webhook ledger and the registry of event handlers.

`process_event` stores the event id under a unique key in the same transaction
as the handler's effect, so any number of deliveries, in any order and at the
same time, take effect once. Handlers register with `@handles("type")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import StripeEvent

Handler = Callable[[dict[str, Any]], str]
HANDLERS: dict[str, Handler] = {}


def handles(event_type: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `event_type`."""

    def register(func: Handler) -> Handler:
        HANDLERS[event_type] = func
        return func

    return register


def process_event(event: dict[str, Any], *, source: str = "webhook") -> str:
    """Apply a verified event once and commit. Returns what happened, for logs.

    Unhandled types change nothing and are not stored. A handler's exception
    rolls back the ledger row with the effect, so a retry is processed afresh.
    """
    handler = HANDLERS.get(str(event.get("type")))
    if handler is None:
        return "ignored"
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
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    try:
        record.outcome = handler(event)[:300]
        db.session.commit()
    except IntegrityError:
        # A concurrent delivery committed the same event id first.
        db.session.rollback()
        return "duplicate"
    except Exception:
        db.session.rollback()
        raise
    return record.outcome
