"""One compare-and-set for the state machines (donations, pledges)."""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models.types import utcnow

# More than the moves one row makes in its life (donations and pledges make a few).
_MAX_ROUNDS = 5


@functools.cache
def _update(table: sa.Table, columns: tuple[str, ...]) -> sa.Update:
    """The compare-and-set UPDATE for `table` setting `columns`, built once.

    Built and cache-keyed once per column set, not per call: on the webhook's
    path it runs while SQLite's one write lock is held. Bound as `row_id`,
    `from_status`, `to_status`, `now` and `set_<column>`.
    """
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"), table.c.status == sa.bindparam("from_status"))
        .values(
            status=sa.bindparam("to_status", type_=table.c.status.type),
            updated_at=sa.bindparam("now", type_=table.c.updated_at.type),
            **{c: sa.bindparam(f"set_{c}", type_=table.c[c].type) for c in columns},
        )
    )


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
        result = db.session.connection().execute(
            _update(model.__table__, tuple(sorted(values))),
            {
                "row_id": row_id,
                "from_status": previous,
                "to_status": to_status,
                "now": utcnow(),
                **{f"set_{c}": v for c, v in values.items()},
            },
        )
        if result.rowcount == 1:
            return str(previous)
        previous = None  # moved meanwhile: read it again
    return None
