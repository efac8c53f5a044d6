"""Reading approved messages on air: each host takes the oldest one nobody holds.

Taking a message is a compare-and-set in the database: an INSERT of its
`OnAirMessage` row that does nothing on a conflict (the gift's row exists), so
of two hosts asking at once exactly one gets it and the other takes the next.
A host is a `desk`: the random id of one browser's session, so two hosts
sharing an account still get different messages. A claim left for
CLAIM_MINUTES (a closed laptop) may be taken over by another host, again by a
compare-and-set. Then the holder reads it, skips it, or pins it (it stays on
top for every host until unpinned); read and skipped ones go away. Every move
is audited and commits. Only approved messages of counted gifts the host's
scope covers are ever shown or moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ...errors import UserError
from ...extensions import db
from ...models import Donation, OnAirMessage, OnAirState, Organiser
from ...models.types import utcnow
from ..organisers import audit
from ..organisers.scope import Scope
from .moderation import approved_gifts

CLAIM_MINUTES = 10
# Candidates read at once; another host may take some of them before we do.
_BATCH = 5
_MAX_ROUNDS = 5
# What each action does: (the state it needs, the state it leaves, the audit summary).
MOVES: dict[str, tuple[OnAirState, OnAirState, str]] = {
    "read": (OnAirState.CLAIMED, OnAirState.READ, "Read a message on air"),
    "skip": (OnAirState.CLAIMED, OnAirState.SKIPPED, "Skipped a message"),
    "pin": (OnAirState.CLAIMED, OnAirState.PINNED, "Pinned a message"),
    "unpin": (OnAirState.PINNED, OnAirState.READ, "Unpinned a message"),
}
RELEASE = "release"


class OnAirError(UserError, ValueError):
    """A request the reading page cannot do (unknown message or action): changes nothing."""


class OnAirConflict(UserError):
    """The message moved meanwhile (another host has it, or it was done): changes nothing."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What one host's page shows: the pinned messages, theirs to read, how many wait."""

    pinned: list[Donation] = field(default_factory=list)
    current: Donation | None = None
    waiting: int = 0


def _expired() -> sa.ColumnElement[bool]:
    return OnAirMessage.claimed_at < utcnow() - timedelta(minutes=CLAIM_MINUTES)


def _in_scope(scope: Scope) -> sa.Select[tuple[Donation]]:
    return approved_gifts(scope.campaign_id).where(*scope.donations())


def _free(scope: Scope) -> sa.Select[tuple[Donation]]:
    """Approved messages in scope nobody holds: no row yet, or a claim left too long."""
    return (
        _in_scope(scope)
        .outerjoin(OnAirMessage, OnAirMessage.donation_id == Donation.id)
        .where(
            sa.or_(
                OnAirMessage.id.is_(None),
                sa.and_(OnAirMessage.state == OnAirState.CLAIMED, _expired()),
            )
        )
    )


def _held_by(scope: Scope, desk: str) -> Donation | None:
    return db.session.scalar(
        _in_scope(scope)
        .join(OnAirMessage, OnAirMessage.donation_id == Donation.id)
        .where(
            OnAirMessage.state == OnAirState.CLAIMED,
            OnAirMessage.desk == desk,
            sa.not_(_expired()),
        )
        .order_by(OnAirMessage.claimed_at)
        .limit(1)
    )


def reading(scope: Scope, desk: str) -> Reading:
    """The page of the host at `desk`: pinned (oldest pin first), their claim, the count free.

    Reads only: opening the page takes nothing.
    """
    pinned = db.session.scalars(
        _in_scope(scope)
        .join(OnAirMessage, OnAirMessage.donation_id == Donation.id)
        .where(OnAirMessage.state == OnAirState.PINNED)
        .order_by(OnAirMessage.updated_at, OnAirMessage.id)
    )
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(_free(scope).subquery()))
    return Reading(list(pinned), _held_by(scope, desk), int(waiting or 0))


def _insert_claim(donation: Donation, desk: str, organiser: Organiser) -> bool:
    """The claim's compare-and-set: INSERT ... ON CONFLICT DO NOTHING; True if ours."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    stmt = (
        insert(OnAirMessage)
        .values(
            campaign_id=donation.campaign_id,
            donation_id=donation.id,
            state=OnAirState.CLAIMED,
            desk=desk,
            organiser_id=organiser.id,
            claimed_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["donation_id"])
        # rowcount is -1 on PostgreSQL here; a returned id is what proves the insert.
        .returning(OnAirMessage.id)
    )
    return db.session.execute(stmt).first() is not None


def _take_over(donation: Donation, desk: str, organiser: Organiser) -> bool:
    """Take a claim left for too long; the WHERE repeats what made it free."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OnAirMessage)
        .where(
            OnAirMessage.donation_id == donation.id,
            OnAirMessage.state == OnAirState.CLAIMED,
            _expired(),
        )
        .values(desk=desk, organiser_id=organiser.id, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_next(scope: Scope, desk: str, organiser: Organiser) -> Donation | None:
    """The message the host at `desk` should read: the one they hold, else the oldest free one,
    now theirs (audited, commits). None when nothing is free."""
    held = _held_by(scope, desk)
    if held is not None:
        return held
    for _ in range(_MAX_ROUNDS):
        candidates = db.session.execute(
            _free(scope)
            .add_columns(OnAirMessage.id)
            .order_by(Donation.succeeded_at, Donation.id)
            .limit(_BATCH)
        ).all()
        if not candidates:
            return None
        for donation, row_id in candidates:
            won = (
                _insert_claim(donation, desk, organiser)
                if row_id is None
                else _take_over(donation, desk, organiser)
            )
            if won:
                audit.record(
                    "on_air",
                    "Took a message to read on air",
                    organiser=organiser,
                    donation=donation.public_id,
                    took_over=row_id is not None,
                )
                db.session.commit()
                return donation
        # Every candidate went to other hosts meanwhile: look again.
    return None


def _message(scope: Scope, public_id: str) -> Donation:
    if not public_id or len(public_id) > 32:
        raise OnAirError("No such message.")
    donation = db.session.scalar(_in_scope(scope).where(Donation.public_id == public_id))
    if donation is None:
        raise OnAirError("No such message.")
    return donation


def act(scope: Scope, public_id: str, action: str, desk: str, organiser: Organiser) -> None:
    """Read, skip, pin, unpin or release (put back) one message; audited, commits.

    Read, skip, pin and release need the claim of this `desk`; unpin, any pinned
    message in scope. Raises OnAirError for an unknown message or action,
    OnAirConflict when the message is not in the state the action needs (another
    host has it, or it was done meanwhile); neither writes anything.
    """
    if action != RELEASE and action not in MOVES:
        raise OnAirError("Choose read, skip, pin, unpin or put back.")
    donation = _message(scope, public_id)
    mine = OnAirMessage.desk == desk
    where = [OnAirMessage.donation_id == donation.id]
    if action == RELEASE:
        # Back to the queue: the row goes, so the next host can take it as new.
        result = db.session.execute(
            sa.delete(OnAirMessage)
            .where(*where, OnAirMessage.state == OnAirState.CLAIMED, mine)
            .execution_options(synchronize_session=False)
        )
        before, after, summary = OnAirState.CLAIMED, None, "Put a message back for another host"
    else:
        before, after, summary = MOVES[action]
        if before == OnAirState.CLAIMED:
            where.append(mine)
        result = db.session.execute(
            sa.update(OnAirMessage)
            .where(*where, OnAirMessage.state == before)
            .values(state=after, organiser_id=organiser.id, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:
        db.session.rollback()
        raise OnAirConflict(
            "This message is no longer yours to read: another host has it, or it was done."
            if before == OnAirState.CLAIMED
            else "This message is not pinned any more."
        )
    audit.record(
        "on_air",
        summary,
        organiser=organiser,
        donation=donation.public_id,
        before=str(before),
        after=str(after) if after else "free",
    )
    db.session.commit()
