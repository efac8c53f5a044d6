"""Donor privacy: erasing a donor's personal data, and forgetting client keys.

`erase_donor(email)` runs every registered eraser, each clearing one kind of
row (donations, pledges, the email outbox and its suppression list),
keeps every amount so the totals stay true, and logs an `Erasure` row that
holds a keyed hash of the email, never the email.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from ...extensions import db, limiter
from ...mail import outbox
from ...models import (
    Donation,
    EmailSuppression,
    Erasure,
    LoginFailure,
    OutboxMessage,
    OutboxStatus,
    Pledge,
)
from ...models.types import utcnow
from ...security import db_limits
from ...security.client_keys import keyed_hash
from ...text import donor_email_key
from .. import tokens
from ..organisers.organisers import WINDOW as LOGIN_WINDOW
from ..pledges import pledges

ERASED_ADDRESS = "erased@invalid"  # RFC 2606: can never receive mail
Eraser = Callable[[str], int]  # takes text.donor_email_key(email), returns rows cleared
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


# What "still holds personal data" means for each table: erasing skips rows
# already cleared, so a second run (by a donor or by retention) changes nothing.
DONATION_HOLDS_PERSONAL = sa.or_(
    Donation.email.is_not(None),
    Donation.display_name.is_not(None),
    Donation.message.is_not(None),
    Donation.name_public.is_(True),
    Donation.client_address_hash.is_not(None),
    Donation.client_session_hash.is_not(None),
    Donation.updates_consent_at.is_not(None),
)
PLEDGE_HOLDS_PERSONAL = Pledge.email != ERASED_ADDRESS
OUTBOX_HOLDS_PERSONAL = OutboxMessage.to_address != ERASED_ADDRESS


def clear_donations(where: sa.ColumnElement[bool]) -> int:
    """Clear the name, email, message, client keys and consent to updates of the donations
    `where` picks.

    Amounts, currency, dates, states and Stripe ids stay (the totals and
    reconcile need them). In the caller's transaction; returns rows changed.
    """
    result = db.session.execute(
        sa.update(Donation)
        .where(where, DONATION_HOLDS_PERSONAL)
        .values(
            email=None,
            display_name=None,
            name_public=False,
            message=None,
            client_address_hash=None,
            client_session_hash=None,
            updates_consent_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def clear_pledges(where: sa.ColumnElement[bool]) -> int:
    """Open pledges `where` picks are cancelled first (their amount leaves `pledged`),
    then the address is replaced: the column is required, and the amount stays.
    In the caller's transaction; returns rows whose address was cleared."""
    open_pledges = db.session.scalars(
        sa.select(Pledge).where(where, Pledge.status == pledges.PLEDGED)
    ).all()
    for pledge in open_pledges:
        pledges.withdraw(pledge)
    result = db.session.execute(
        sa.update(Pledge)
        .where(where, PLEDGE_HOLDS_PERSONAL)
        .values(email=ERASED_ADDRESS, consent=False)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def clear_outbox(where: sa.ColumnElement[bool], why: str) -> int:
    """Unsent mail `where` picks is dropped (marked failed, `why` as its error); every
    copy loses its address, bodies and headers (which carry links naming the donor's
    pledge). In the caller's transaction; returns rows changed."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(where, OUTBOX_HOLDS_PERSONAL)
        .values(
            to_address=ERASED_ADDRESS,
            subject="(erased)",
            body_text="",
            body_html="",
            headers={},
            status=sa.case(
                (OutboxMessage.status == OutboxStatus.SENT, OutboxStatus.SENT),
                else_=OutboxStatus.FAILED,
            ),
            last_error=why,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@erases("donations")
def _erase_donations(email: str) -> int:
    return clear_donations(sa.func.lower(Donation.email) == email)


@erases("pledges")
def _erase_pledges(email: str) -> int:
    return clear_pledges(sa.func.lower(Pledge.email) == email)


@erases("outbox")
def _erase_outbox(email: str) -> int:
    return clear_outbox(
        sa.func.lower(OutboxMessage.to_address) == email, "erased at the donor's request"
    )


@erases("suppressions")
def _erase_suppressions(email: str) -> int:
    # Keep the objection working without the address (outbox.is_suppressed checks both).
    result = db.session.execute(
        sa.update(EmailSuppression)
        .where(sa.func.lower(EmailSuppression.address) == email)
        .values(address=outbox.erased_form(email), detail="erased")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def erase_donor(email: str) -> Erasure:
    """Clear every kind of personal data held for `email`, and log that it was done.

    Amounts, states and totals are untouched. Safe to repeat (later runs clear
    nothing more, and are logged too). Moves no money.
    """
    subject = donor_email_key(email)
    if not subject:
        raise ValueError("An email address is needed.")
    counts = {kind: eraser(subject) for kind, eraser in sorted(ERASERS.items())}
    record = Erasure(subject_hash=keyed_hash("erasure", subject), counts=counts)
    db.session.add(record)
    db.session.commit()
    return record


# What an erasure link names: a donation's or a pledge's public id, never the address
# (a token's payload is readable by anyone who sees the URL).
_LINK_KINDS = {"d": Donation, "p": Pledge}


def erasure_token(row: Donation | Pledge) -> str:
    """A signed, expiring "delete my details" token for the supporter of `row`."""
    kind = "d" if isinstance(row, Donation) else "p"
    return tokens.sign(tokens.ERASE, f"{kind}:{row.public_id}")


def address_for_erasure(token: str) -> str:
    """The email address a "delete my details" token leads to, or TokenError.

    TokenGone once the details are erased (by the link, by `erase-donor` or by
    retention): the row no longer holds an address, so a link works once.
    """
    kind, _, public_id = tokens.verify(tokens.ERASE, token).partition(":")
    model = _LINK_KINDS.get(kind)
    if model is None or not public_id:
        raise tokens.invalid_link()
    row = db.session.scalar(sa.select(model).where(model.public_id == public_id))
    address = row.email if row is not None else None
    if not address or address == ERASED_ADDRESS:
        raise tokens.TokenGone(gettext("Your details have already been deleted."))
    return address


def erase_by_token(token: str) -> Erasure:
    """Erase, at once, every personal detail held for the supporter `token` names.

    The money stays counted (erase_donor keeps amounts). TokenError as for
    address_for_erasure, and then nothing changes.
    """
    return erase_donor(address_for_erasure(token))


def forget_client_keys(older_than: timedelta | None = None) -> int:
    """Clear the hashed address and session from donations older than the cool-down needs,
    and every other keyed hash of a visitor past its own window: organisers' failed
    logins (organisers.WINDOW) and rate-limit counts (security/db_limits.py).

    The keys exist only for the decline cool-down; kept longer they would
    say which donations came from one place. Returns donation rows cleared.
    """
    db.session.execute(
        sa.delete(LoginFailure).where(LoginFailure.created_at < utcnow() - LOGIN_WINDOW)
    )
    if isinstance(limiter.storage, db_limits.DatabaseStorage):
        db_limits.purge()
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
