"""One compare-and-set for the state machines (donations, pledges)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models.types import utcnow

# More than the moves one row makes in its life (donations and pledges make a few).
_MAX_ROUNDS = 5


def move(
    model: Any,
    row_id: int,
    sources: Collection[str],
    to_status: str,
    values: dict[str, Any],
    *,
    expected: str | None = None,
) -> str | None:
    """Set `model` row `row_id` to `to_status` if its state is one of `sources`.

    Returns the state it left, or None (nothing written). The UPDATE is
    conditional on the state just read; when another transaction moved the row
    in between, it reads again, so a move the new state still allows is not lost.
    `expected` (the state the caller just loaded) is tried first without reading
    it again: one round trip fewer on the webhook's path when nobody raced it.
    Runs in the caller's transaction.
    """
    previous: str | None = expected
    for _ in range(_MAX_ROUNDS):
        if previous is None:
            previous = db.session.scalar(sa.select(model.status).where(model.id == row_id))
        if previous not in sources:
            return None
        # On the table, not through the ORM's bulk UPDATE: the same statement for
        # less work, which matters while SQLite's one write lock is held. Loaded
        # objects are not told, as before (the callers say what they wrote).
        db.session.flush()
        table = model.__table__
        result = db.session.connection().execute(
            sa.update(table)
            .where(table.c.id == row_id, table.c.status == previous)
            .values(status=to_status, updated_at=utcnow(), **values)
        )
        if result.rowcount == 1:
            return str(previous)
        previous = None  # moved meanwhile: read it again
    return None
