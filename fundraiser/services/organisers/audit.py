"""The audit log: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from ...extensions import db
from ...models import AuditEntry, Organiser

COMMAND_LINE = "command line"
# Never stored in `detail`, whatever a caller passes: a last line of defence.
_SECRET_WORDS = ("password", "secret", "token", "key", "card")


def record(
    action: str,
    summary: str,
    *,
    organiser: Organiser | None = None,
    actor: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Add an audit entry to the session (the caller commits with its change)."""
    safe = {k: v for k, v in detail.items() if not any(w in k.lower() for w in _SECRET_WORDS)}
    entry = AuditEntry(
        organiser_id=organiser.id if organiser else None,
        actor=(organiser.email if organiser else actor or COMMAND_LINE)[:254],
        action=action[:40],
        summary=summary[:500],
        detail=safe,
    )
    db.session.add(entry)
    return entry


def recent(page: int, per_page: int = 50) -> Pagination:
    """Audit entries, newest first."""
    query = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def log(action: str, summary: str, *, organiser: Organiser, **detail: Any) -> None:
    """Record an action that changes nothing else (an export, say) and commit."""
    record(action, summary, organiser=organiser, **detail)
    db.session.commit()
