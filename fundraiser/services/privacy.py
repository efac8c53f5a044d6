"""Donor privacy: erasing a donor's personal data, and forgetting client keys.

`erase_donor(email)` runs every registered eraser, each clearing one kind of
row (donations here; pledges and the email outbox register theirs with
`@erases("pledges")` / `@erases("outbox")` in a module imported at start-up),
keeps every amount so the totals stay true, and logs an `Erasure` row that
holds a keyed hash of the email, never the email.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Donation, Erasure
from ..models.types import utcnow
from ..security.client_keys import keyed_hash

Eraser = Callable[[str], int]  # takes the normalised email, returns rows cleared
ERASERS: dict[str, Eraser] = {}


def erases(kind: str) -> Callable[[Eraser], Eraser]:
    """Register the decorated function as the eraser of `kind` (e.g. "pledges").

    It runs inside erase_donor's transaction: it must only update rows (clear
    personal columns), never delete amounts or commit.
    """

    def register(func: Eraser) -> Eraser:
        ERASERS[kind] = func
        return func

    return register


def normalise_email(email: str) -> str:
    """Lower case, without surrounding space or control characters (NUL breaks PostgreSQL)."""
    return re.sub(r"[\x00-\x1f\x7f\ud800-\udfff]", "", email).strip().lower()


@erases("donations")
def _erase_donations(email: str) -> int:
    result = db.session.execute(
        sa.update(Donation)
        .where(sa.func.lower(Donation.email) == email)
        .values(
            email=None,
            display_name=None,
            name_public=False,
            message=None,
            client_address_hash=None,
            client_session_hash=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def erase_donor(email: str) -> Erasure:
    """Clear every kind of personal data held for `email`, and log that it was done.

    Amounts, states and totals are untouched. Safe to repeat (later runs clear
    nothing more, and are logged too). Moves no money.
    """
    subject = normalise_email(email)
    if not subject:
        raise ValueError("An email address is needed.")
    counts = {kind: eraser(subject) for kind, eraser in sorted(ERASERS.items())}
    record = Erasure(subject_hash=keyed_hash("erasure", subject), counts=counts)
    db.session.add(record)
    db.session.commit()
    return record


def forget_client_keys(older_than: timedelta | None = None) -> int:
    """Clear the hashed address and session from donations older than the cool-down needs.

    The keys exist only for the decline cool-down; kept longer they would
    say which donations came from one place. Returns rows cleared.
    """
    window = timedelta(seconds=int(current_app.config["DECLINE_WINDOW_SECONDS"]))
    cutoff = utcnow() - max(older_than or timedelta(days=1), window)
    result = db.session.execute(
        sa.update(Donation)
        .where(
            Donation.created_at < cutoff,
            sa.or_(
                Donation.client_address_hash.is_not(None),
                Donation.client_session_hash.is_not(None),
            ),
        )
        .values(client_address_hash=None, client_session_hash=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount or 0)
