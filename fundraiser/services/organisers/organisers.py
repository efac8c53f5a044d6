"""Organiser accounts: creating them, passwords, and logging in with throttling.

Passwords are hashed with argon2id. Failed logins are stored in the database
(keyed hashes, one row each) so every worker and machine sees the same count.
Past a few free failures, each one makes the next try for that account, or
from that address, wait longer (1 s doubling, at most MAX_DELAY); there is no
lock-out, and a browser the owner logged in with before skips the wait.
Sessions end for good through `end_all_sessions`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ...errors import UserError
from ...extensions import db
from ...models import LoginFailure, Organiser, Team
from ...models.types import utcnow
from ...text import email_key
from . import audit
from .scope import require_whole_campaign

MIN_PASSWORD_LENGTH = 10
# Failures are remembered this long; within it, those past the free ones add delays.
WINDOW = timedelta(hours=1)
FREE_FAILURES_PER_ACCOUNT = 5
FREE_FAILURES_PER_ADDRESS = 20
BASE_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=5)

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against for unknown emails so that a miss costs the same time as a hit.
_DUMMY_HASH = _hasher.hash("not a password of anyone's")


class OrganiserError(UserError, ValueError):
    """An email or password that cannot make an account; the message says why."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Who logged in (None: nobody); `retry_after` seconds when the try was held back."""

    organiser: Organiser | None
    retry_after: int | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None

    @property
    def ok(self) -> bool:
        return self.organiser is not None


def normalise_email(text: str) -> str:
    """The canonical form of an organiser's email, for storing a new or changed one.

    Validates (raises OrganiserError if invalid) and normalises the domain as
    email_validator does; look-ups of typed text use `text.email_key` instead.
    """
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise OrganiserError(f"{text!r} is not an email address: {exc}") from exc


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OrganiserError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 1024:
        raise OrganiserError("The password is too long (at most 1024 characters).")


def by_email(email: str) -> Organiser | None:
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == email_key(email)))


def create_organiser(email: str, password: str, *, team: Team | None = None) -> Organiser:
    """Create and commit an organiser; raises OrganiserError if it exists or is invalid.

    With `team`, the organiser sees only that team's part of the dashboard.
    """
    email = normalise_email(email)
    _check_password(password)
    if by_email(email) is not None:
        raise OrganiserError(f"An organiser {email} already exists.")
    organiser = Organiser(
        email=email, password_hash=_hasher.hash(password), team_id=team.id if team else None
    )
    db.session.add(organiser)
    db.session.flush()
    audit.record(
        "organiser_created",
        f"Organiser {email} created" + (f" for team /t/{team.slug}" if team else ""),
        organiser_email=email,
        team=team.slug if team else None,
    )
    db.session.commit()
    return organiser


def set_password(email: str, password: str) -> Organiser:
    """Replace an organiser's password and end all their sessions; commits."""
    _check_password(password)
    organiser = by_email(normalise_email(email))
    if organiser is None:
        raise OrganiserError(f"There is no organiser {email}.")
    organiser.password_hash = _hasher.hash(password)
    end_all_sessions(organiser)
    audit.record("password_changed", f"Password of {organiser.email} changed")
    db.session.commit()
    return organiser


def set_team(email: str, team: Team | None, *, by: Organiser | None = None) -> Organiser:
    """Limit an organiser to `team`'s view (None: the whole campaign); audit, commit.

    `by` None is the command line. Refuses (OrganiserError) to leave no active
    organiser who sees the whole campaign: someone must keep its settings.
    """
    require_whole_campaign(by, "choose what organisers see")
    organiser = by_email(normalise_email(email))
    if organiser is None:
        raise OrganiserError(f"There is no organiser {email}.")
    new_id = team.id if team else None
    if organiser.team_id == new_id:
        return organiser
    if new_id is not None and organiser.team_id is None and organiser.active:
        others = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Organiser)
            .where(Organiser.team_id.is_(None), Organiser.active, Organiser.id != organiser.id)
        )
        if not others:
            raise OrganiserError(
                f"{organiser.email} is the only organiser of the whole campaign; "
                "create another before limiting them to a team."
            )
    before = organiser.team.slug if organiser.team else None
    organiser.team_id = new_id
    audit.record(
        "organiser_scope",
        f"{organiser.email} now sees "
        + (f"team /t/{team.slug} only" if team else "the whole campaign"),
        organiser=by,
        organiser_email=organiser.email,
        before=before,
        after=team.slug if team else None,
    )
    db.session.commit()
    db.session.refresh(organiser)
    return organiser


def listing() -> list[Organiser]:
    """Every organiser account, by email."""
    return list(db.session.scalars(sa.select(Organiser).order_by(Organiser.email)))


def load(user_id: str) -> Organiser | None:
    """The organiser a login cookie names, if that session has not been ended."""
    raw_id, _, version = user_id.partition(":")
    if not (raw_id.isdigit() and version.isdigit()):
        return None
    organiser = db.session.get(Organiser, int(raw_id))
    if organiser is None or organiser.session_version != int(version):
        return None
    if not organiser.active:
        return None  # deactivated: every open session stops at its next request
    return organiser


def end_all_sessions(organiser: Organiser) -> None:
    """End every session this organiser has, on every device, copies included; no commit.

    Bumps `session_version`, which every login cookie carries and `load` checks
    on each request: a cookie copied before this call opens nothing afterwards.
    Call it at logout, after a password change or reset, and on deactivation.
    """
    organiser.session_version = (organiser.session_version or 0) + 1


def _key(kind: str, value: str) -> str:
    # Keyed: an unkeyed hash of an email is reversed by hashing a list of emails.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"login-{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class _Failures:
    count: int
    last: datetime | None


def _failures(scope: str, key: str, since: datetime) -> _Failures:
    count, last = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginFailure.created_at)).where(
            LoginFailure.scope == scope,
            LoginFailure.key == key,
            LoginFailure.created_at >= since,
        )
    ).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return _Failures(int(count or 0), last)


def delay_after(failures: int, free: int) -> timedelta:
    """How long to wait after the last failure, once `failures` have been counted.

    None for the first `free`; then 1 s, doubling with each further failure, never
    more than MAX_DELAY: an attacker is slowed, the owner is never locked out for long.
    """
    if failures < free:
        return timedelta(0)
    return min(BASE_DELAY * (2 ** min(failures - free, 20)), MAX_DELAY)


def wait_needed(email: str, address: str, now: datetime | None = None) -> timedelta:
    """How long logins for this email from this address must still wait (0: go ahead)."""
    now = now or utcnow()
    since = now - WINDOW
    waits = [timedelta(0)]
    for scope, key, free in (
        ("account", _key("account", email_key(email)), FREE_FAILURES_PER_ACCOUNT),
        ("address", _key("address", address), FREE_FAILURES_PER_ADDRESS),
    ):
        seen = _failures(scope, key, since)
        if seen.last is not None:
            waits.append(seen.last + delay_after(seen.count, free) - now)
    return max(waits)


def authenticate(
    email: str,
    password: str,
    address: str,
    *,
    known_device: int | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login attempt, record its outcome, commit, and say who it is.

    Failures slow further tries for that account and from that address with
    growing delays (`delay_after`); an attempt inside a delay is refused
    without checking the password and is not recorded. `known_device` is the
    organiser id from a device cookie this browser got at an earlier login:
    for that account it skips the delays, so guessing elsewhere never keeps
    the owner out. One `login_throttled` audit row is written per delay
    window, when a failure starts it; the typed text is never stored.
    """
    now = now or utcnow()
    email = email_key(email)[:254]
    organiser = by_email(email) if email else None
    trusted = organiser is not None and known_device == organiser.id
    if not trusted:
        wait = wait_needed(email, address, now)
        if wait > timedelta(0):
            return LoginResult(None, retry_after=max(1, math.ceil(wait.total_seconds())))
    if _verify(organiser, password):
        assert organiser is not None
        if _hasher.check_needs_rehash(organiser.password_hash):
            organiser.password_hash = _hasher.hash(password)
        organiser.last_login_at = now
        db.session.execute(
            sa.delete(LoginFailure).where(
                LoginFailure.scope == "account", LoginFailure.key == _key("account", email)
            )
        )
        audit.record("login", "Logged in", organiser=organiser)
        db.session.commit()
        return LoginResult(organiser)
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.created_at < now - WINDOW))
    db.session.add_all(
        [
            LoginFailure(scope="account", key=_key("account", email), created_at=now),
            LoginFailure(scope="address", key=_key("address", address), created_at=now),
        ]
    )
    db.session.flush()
    if organiser is not None:
        audit.record(
            "login_failed", "Failed login to this account: wrong password", organiser=organiser
        )
    wait = wait_needed(email, address, now)
    if wait > timedelta(0):
        audit.record(
            "login_throttled",
            f"Logins slowed: the next try must wait {math.ceil(wait.total_seconds())} s",
            organiser=organiser,
        )
    db.session.commit()
    return LoginResult(None)


def _verify(organiser: Organiser | None, password: str) -> bool:
    if not password or len(password) > 1024:
        return False
    try:
        _hasher.verify(organiser.password_hash if organiser else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return organiser is not None and organiser.active


def log_out_everywhere(email: str) -> Organiser:
    """End every session of the organiser with `email` (the command line); audit, commit."""
    organiser = by_email(normalise_email(email))
    if organiser is None:
        raise OrganiserError(f"There is no organiser {email}.")
    end_all_sessions(organiser)
    audit.record("sessions_ended", f"Every session of {organiser.email} ended")
    db.session.commit()
    return organiser


def log_out(organiser: Organiser) -> None:
    """End every session of `organiser` (see `end_all_sessions`), audit it, commit."""
    end_all_sessions(organiser)
    audit.record("logout", "Logged out (every session ended)", organiser=organiser)
    db.session.commit()
