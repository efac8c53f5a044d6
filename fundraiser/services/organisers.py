"""Organiser accounts: creating them, passwords, and logging in with throttling.

Passwords are hashed with argon2id. Failed logins are stored in the database
(hashed keys, one row each) so every worker and machine sees the same count:
too many for one account, or from one address, within the window and further
attempts are refused before any password is checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email

from ..extensions import db
from ..models import LoginFailure, Organiser, Team
from ..models.types import utcnow
from . import audit
from .scope import require_whole_campaign

MIN_PASSWORD_LENGTH = 10
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against for unknown emails so that a miss costs the same time as a hit.
_DUMMY_HASH = _hasher.hash("not a password of anyone's")


class OrganiserError(ValueError):
    """An email or password that cannot make an account; the message says why."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    organiser: Organiser | None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.organiser is not None


def normalise_email(text: str) -> str:
    """The canonical form of an organiser's email; raises OrganiserError if invalid."""
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
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == email.strip().lower()))


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
    organiser.session_version += 1
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
    """The organiser a login cookie names, if that session is still valid."""
    raw_id, _, version = user_id.partition(":")
    if not (raw_id.isdigit() and version.isdigit()):
        return None
    organiser = db.session.get(Organiser, int(raw_id))
    if organiser is None or organiser.session_version != int(version):
        return None
    if not organiser.active:
        return None  # deactivated: every open session stops at its next request
    return organiser


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _failures(scope: str, key: str, since: datetime) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginFailure)
            .where(
                LoginFailure.scope == scope,
                LoginFailure.key == key,
                LoginFailure.created_at >= since,
            )
        )
        or 0
    )


def is_throttled(email: str, address: str, now: datetime | None = None) -> bool:
    """Whether logins for this email or from this address are paused for now."""
    since = (now or utcnow()) - WINDOW
    account_key = _key("account", email.strip().lower())
    return (
        _failures("account", account_key, since) >= MAX_FAILURES_PER_ACCOUNT
        or _failures("address", _key("address", address), since) >= MAX_FAILURES_PER_ADDRESS
    )


def authenticate(email: str, password: str, address: str) -> LoginResult:
    """Check a login attempt, record its outcome, commit, and say who it is.

    Throttled attempts check no password. Failures are audited against the
    account when it exists; the typed text is never stored.
    """
    now = utcnow()
    email = email.strip().lower()[:254]
    organiser = by_email(email) if email else None
    if is_throttled(email, address, now):
        audit.record(
            "login_throttled", "Login refused: too many failed attempts", organiser=organiser
        )
        db.session.commit()
        return LoginResult(None, throttled=True)
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
    if organiser is not None:
        audit.record(
            "login_failed", "Failed login to this account: wrong password", organiser=organiser
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


def log_logout(organiser: Organiser) -> None:
    audit.record("logout", "Logged out", organiser=organiser)
    db.session.commit()
