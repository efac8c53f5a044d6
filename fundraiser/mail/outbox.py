"""Writing to the outbox, and the suppression list the sender honours.

`queue` runs in the caller's transaction, so an email is stored with what
caused it or not at all. Its idempotency key is unique: queueing the same key
again (a repeated webhook, a second run of a command) is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import EmailSuppression, OutboxMessage, OutboxStatus, SuppressionReason
from ..models.types import utcnow
from ..security.client_keys import keyed_hash
from ..text import email_key
from .render import render_email

BOUNCED, UNSUBSCRIBED = SuppressionReason.BOUNCED, SuppressionReason.UNSUBSCRIBED
# Kinds that an unsubscribe stops; receipts and confirmations are transactional.
REMINDER_KINDS = frozenset({"pledge_reminder"})


def erased_form(address: str) -> str:
    """What a suppression keeps of an erased donor's address: a keyed hash, so the
    objection is still honoured (see `is_suppressed`) without the address itself."""
    return "erased:" + keyed_hash("suppression", email_key(address))


def _insert_ignoring_conflict(values: dict[str, Any], conflict: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if a row was written.

    Unlike catching IntegrityError, this leaves the caller's transaction
    usable, which matters inside a webhook's transaction.
    """
    table = values.pop("__table__")
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        # rowcount is -1 on PostgreSQL here; a returned id is what proves the insert.
        .returning(table.c.id)
    )
    return db.session.execute(stmt).first() is not None


def queue(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> bool:
    """Render and store an email in the caller's transaction. Sends nothing.

    Returns False (and writes nothing) when `key` was queued before.
    """
    text, html = render_email(template, **context)
    row = _row(key=key, kind=kind, to=to, subject=subject, text=text, html=html, headers=headers)
    return _insert_ignoring_conflict({"__table__": OutboxMessage.__table__, **row}, _KEY)


_KEY = ["idempotency_key"]
# Rows per INSERT in queue_many: 12 columns each stays under SQLite's oldest limit of
# 999 bound values.
_BATCH = 80


def _row(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "idempotency_key": key[:200],
        "kind": kind,
        "to_address": to.strip(),
        "subject": subject[:300],
        "body_text": text,
        "body_html": html,
        "headers": headers or {},
        "status": OutboxStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
    }


def queue_many(messages: Iterable[dict[str, Any]]) -> int:
    """Store many emails already rendered (each the keywords key, kind, to, subject,
    text, html and optional headers), a batch per INSERT, in the caller's transaction.
    Sends nothing. Returns how many were written: a key queued before is skipped."""
    rows = [_row(**message) for message in messages]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    written = 0
    for start in range(0, len(rows), _BATCH):
        stmt = (
            insert(OutboxMessage.__table__)
            .values(rows[start : start + _BATCH])
            .on_conflict_do_nothing(index_elements=_KEY)
            .returning(OutboxMessage.__table__.c.id)
        )
        written += len(db.session.execute(stmt).all())
    return written


def suppress(address: str, reason: str, detail: str = "") -> bool:
    """Add `address` to the suppression list for `reason`, in the caller's transaction."""
    return _insert_ignoring_conflict(
        {
            "__table__": EmailSuppression.__table__,
            "address": email_key(address),
            "reason": reason,
            "detail": detail[:300],
            "created_at": utcnow(),
        },
        ["address", "reason"],
    )


def unsuppress(address: str, reason: str) -> None:
    db.session.execute(
        sa.delete(EmailSuppression).where(
            EmailSuppression.address == email_key(address), EmailSuppression.reason == reason
        )
    )


def is_suppressed(address: str, kind: str) -> str | None:
    """The reason mail of `kind` must not go to `address`, or None."""
    reasons = set(
        db.session.scalars(
            sa.select(EmailSuppression.reason).where(
                EmailSuppression.address.in_([email_key(address), erased_form(address)])
            )
        )
    )
    if BOUNCED in reasons:
        return BOUNCED
    if UNSUBSCRIBED in reasons and kind in REMINDER_KINDS:
        return UNSUBSCRIBED
    return None
