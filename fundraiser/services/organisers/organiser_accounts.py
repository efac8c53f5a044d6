"""Organiser accounts managed from the dashboard: invitations, password resets,
deactivation, and who has access.

Emailed links are signed and expiring (services/tokens.py, itsdangerous) and
single-use: each carries a random value whose SHA-256 is stored in
`AccountLink`, and using it is a compare-and-set on `used_at`. Emails go
through the outbox, with links built by `mail.external_url` (the public base
URL), never from the request's Host header.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ... import mail
from ...extensions import db
from ...i18n import writing_in
from ...models import AccountLink, LinkPurpose, Organiser, Team, TwoFactor
from ...models.types import utcnow
from .. import tokens
from ..tokens import TokenGone
from . import audit, organisers
from .organisers import OrganiserError
from .scope import require_whole_campaign

INVITE_KIND = "organiser_invite"
RESET_KIND = "organiser_reset"
# At most this many reset emails to one account an hour, whoever asks for them.
RESETS_PER_HOUR = 3

_TOKEN_PURPOSE = {LinkPurpose.INVITE: tokens.INVITE, LinkPurpose.RESET: tokens.RESET}
_ROUTE = {LinkPurpose.INVITE: "auth.accept_invite", LinkPurpose.RESET: "auth.reset_password"}


@dataclass(frozen=True, slots=True)
class SentLink:
    """An invitation or reset link just stored and queued (the URL is for the CLI)."""

    link: AccountLink
    url: str
    email_key: str


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One organiser in the "who has access" list."""

    organiser: Organiser
    two_factor: bool

    @property
    def whole_campaign(self) -> bool:
        return self.organiser.team_id is None


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _new_link(
    purpose: LinkPurpose,
    email: str,
    *,
    organiser: Organiser | None = None,
    team: Team | None = None,
    by: Organiser | None = None,
) -> tuple[AccountLink, str]:
    """Store a fresh link, superseding older unused ones for the same address or
    account (only the newest link works); returns it with its signed token."""
    now = utcnow()
    older = AccountLink.purpose == purpose.value
    older &= AccountLink.organiser_id == organiser.id if organiser else AccountLink.email == email
    db.session.execute(
        sa.update(AccountLink)
        .where(older, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    nonce = secrets.token_urlsafe(32)
    link = AccountLink(
        purpose=purpose.value,
        token_hash=_hash(nonce),
        email=email,
        organiser_id=organiser.id if organiser else None,
        team_id=team.id if team else None,
        created_by_id=by.id if by else None,
        created_at=now,
        expires_at=now + tokens.MAX_AGE[_TOKEN_PURPOSE[purpose]],
    )
    db.session.add(link)
    db.session.flush()
    return link, tokens.sign(_TOKEN_PURPOSE[purpose], nonce)


def _queue(purpose: LinkPurpose, link: AccountLink, token: str, **context: object) -> SentLink:
    url = mail.external_url(_ROUTE[purpose], token=token)
    kind = INVITE_KIND if purpose is LinkPurpose.INVITE else RESET_KIND
    key = f"{kind}-{link.id}"
    subject = (
        "You're invited to organise a fundraiser"
        if purpose is LinkPurpose.INVITE
        else "Reset your organiser password"
    )
    hours = int(tokens.MAX_AGE[_TOKEN_PURPOSE[purpose]].total_seconds() // 3600)
    with writing_in("en"):  # the dashboard and its emails are in English
        mail.queue(
            key=key,
            kind=kind,
            to=link.email,
            subject=subject,
            template=kind,
            context={"url": url, "hours": hours, **context},
        )
    return SentLink(link=link, url=url, email_key=key)


def _send_now(key: str) -> None:
    """Try to send one queued email now; the outbox sender retries if this fails."""
    try:
        mail.deliver_one(key)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("organiser email %s not sent now; left in the outbox", key)


def invite(email: str, *, team: Team | None = None, by: Organiser | None = None) -> SentLink:
    """Invite `email` to become an organiser (of `team` only, or the whole campaign).

    Stores a single-use link, queues the email and its audit row in one
    transaction, commits, and tries to send it at once. `by` None is the
    command line. Raises OrganiserError for a bad address or an existing account.
    """
    require_whole_campaign(by, "invite organisers")
    email = organisers.normalise_email(email)
    if organisers.by_email(email) is not None:
        raise OrganiserError(f"{email} already has an organiser account.")
    link, token = _new_link(LinkPurpose.INVITE, email, team=team, by=by)
    sent = _queue(LinkPurpose.INVITE, link, token, team=team, inviter=by.email if by else None)
    audit.record(
        "organiser_invited",
        f"Invited {email} to organise"
        + (f" team /t/{team.slug}" if team else " the whole campaign"),
        organiser=by,
        organiser_email=email,
        team=team.slug if team else None,
    )
    db.session.commit()
    _send_now(sent.email_key)
    return sent


def _open(purpose: LinkPurpose, token: str, now: datetime | None = None) -> AccountLink:
    """The unused, unexpired link `token` stands for, or TokenError (TokenGone once used or expired)."""
    nonce = tokens.verify(_TOKEN_PURPOSE[purpose], token)
    link = db.session.scalar(
        sa.select(AccountLink).where(
            AccountLink.token_hash == _hash(nonce), AccountLink.purpose == purpose.value
        )
    )
    if link is None:
        raise tokens.invalid_link()
    if link.used_at is not None or link.expires_at <= (now or utcnow()):
        raise TokenGone("This link has already been used, or a newer one was sent.")
    return link


def _claim(link: AccountLink) -> None:
    """Mark `link` used in the caller's transaction; TokenGone if someone beat us."""
    result = db.session.execute(
        sa.update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TokenGone("This link has already been used, or a newer one was sent.")


def open_invite(token: str) -> AccountLink:
    """The invitation behind `token`, still usable; TokenError otherwise. Changes nothing."""
    link = _open(LinkPurpose.INVITE, token)
    if organisers.by_email(link.email) is not None:
        raise TokenGone("This invitation has already been accepted.")
    return link


def accept_invite(token: str, password: str) -> Organiser:
    """Create the invited account with `password`, using the link up; commits.

    Raises TokenError for a used/expired/forged link and OrganiserError for a
    password that is too short; either way nothing changes.
    """
    link = open_invite(token)
    _claim(link)
    team = db.session.get(Team, link.team_id) if link.team_id else None
    try:
        organiser = organisers.create_organiser(link.email, password, team=team)
    except OrganiserError:
        db.session.rollback()  # the link stays usable
        raise
    audit.record("invite_accepted", "Accepted the invitation", organiser=organiser)
    db.session.commit()
    return organiser


def request_reset(email: str) -> None:
    """Email a password-reset link if `email` is an active organiser's; commits.

    Says nothing about whether the account exists (the caller shows the same
    answer either way) and never sends mail inline, so an existing account
    does not answer slower. At most RESETS_PER_HOUR links an hour per account.
    """
    try:
        email = organisers.normalise_email(email)
    except OrganiserError:
        return
    organiser = organisers.by_email(email)
    if organiser is None or not organiser.active:
        return
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AccountLink)
        .where(
            AccountLink.purpose == LinkPurpose.RESET.value,
            AccountLink.organiser_id == organiser.id,
            AccountLink.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if (recent or 0) >= RESETS_PER_HOUR:
        return
    link, token = _new_link(LinkPurpose.RESET, email, organiser=organiser)
    _queue(LinkPurpose.RESET, link, token)
    audit.record(
        "password_reset_requested",
        f"Password reset link emailed to {organiser.email}",
        actor="reset form",
        organiser_email=organiser.email,
    )
    db.session.commit()


def _reset_link(token: str) -> tuple[AccountLink, Organiser]:
    link = _open(LinkPurpose.RESET, token)
    organiser = db.session.get(Organiser, link.organiser_id) if link.organiser_id else None
    if organiser is None or not organiser.active:
        raise TokenGone("This account can no longer log in.")
    return link, organiser


def open_reset(token: str) -> Organiser:
    """The active organiser a reset `token` is for; TokenError otherwise. Changes nothing."""
    return _reset_link(token)[1]


def complete_reset(token: str, password: str) -> Organiser:
    """Set a new password through a reset link, using the link up; commits.

    Ends every session of the account (organisers.set_password). A second
    factor, if set up, is still asked for at the next login.
    """
    link, organiser = _reset_link(token)
    _claim(link)
    try:
        organisers.set_password(organiser.email, password)
    except OrganiserError:
        db.session.rollback()
        raise
    audit.record("password_reset", "Password reset through an emailed link", organiser=organiser)
    db.session.commit()
    return organiser


def _others_with_whole_campaign(organiser: Organiser) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Organiser)
            .where(Organiser.team_id.is_(None), Organiser.active, Organiser.id != organiser.id)
        )
        or 0
    )


def set_active(organiser: Organiser, active: bool, *, by: Organiser | None = None) -> bool:
    """Deactivate (or reactivate) an account; audit, commit; False if already so.

    A deactivated organiser cannot log in, reset their password, or use a
    session opened before (organisers.load refuses them). Refuses
    (OrganiserError) to deactivate yourself or the last active organiser of
    the whole campaign; `by` None is the command line.
    """
    require_whole_campaign(by, "deactivate organisers")
    if organiser.active == active:
        return False
    if not active:
        if by is not None and by.id == organiser.id:
            raise OrganiserError("You cannot deactivate yourself; ask another organiser.")
        if organiser.team_id is None and not _others_with_whole_campaign(organiser):
            raise OrganiserError(
                f"{organiser.email} is the only active organiser of the whole campaign."
            )
        db.session.execute(
            sa.update(AccountLink)
            .where(AccountLink.organiser_id == organiser.id, AccountLink.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    organiser.active = active
    word = "reactivated" if active else "deactivated"
    audit.record(
        f"organiser_{word}",
        f"{organiser.email} {word}",
        organiser=by,
        organiser_email=organiser.email,
    )
    db.session.commit()
    return True


def access_list() -> list[AccessRow]:
    """Every organiser account with whether it has a second factor, by email."""
    enrolled = set(
        db.session.scalars(
            sa.select(TwoFactor.organiser_id).where(TwoFactor.confirmed_at.is_not(None))
        )
    )
    return [AccessRow(o, o.id in enrolled) for o in organisers.listing()]


def pending_invites(now: datetime | None = None) -> list[AccountLink]:
    """Invitations not yet accepted and not expired, newest first."""
    return list(
        db.session.scalars(
            sa.select(AccountLink)
            .where(
                AccountLink.purpose == LinkPurpose.INVITE.value,
                AccountLink.used_at.is_(None),
                AccountLink.expires_at > (now or utcnow()),
            )
            .order_by(AccountLink.created_at.desc())
        )
    )


def revoke_invite(link_id: int, *, by: Organiser | None = None) -> AccountLink | None:
    """Stop a pending invitation from working; audit, commit. None if there is none."""
    require_whole_campaign(by, "revoke invitations")
    link = db.session.get(AccountLink, link_id)
    if link is None or link.purpose != LinkPurpose.INVITE.value or link.used_at is not None:
        return None
    link.used_at = utcnow()
    audit.record(
        "invite_revoked",
        f"Revoked the invitation to {link.email}",
        organiser=by,
        organiser_email=link.email,
    )
    db.session.commit()
    return link
