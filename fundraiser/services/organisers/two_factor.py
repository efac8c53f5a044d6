"""Two-factor login for organisers: TOTP authenticator apps (pyotp) and recovery codes.

An organiser enrols by scanning a QR code of the `otpauth://` URI (segno) and
typing one code; only then is the second factor asked for at login. Each
enrolment issues RECOVERY_CODES single-use recovery codes, shown once and kept
only as SHA-256 hashes. A TOTP code is accepted once (its 30-second step is
remembered), and wrong codes are counted in the database, so every worker sees
the same count: after MAX_FAILURES within FAILURE_WINDOW the account's second
step is paused until the window passes (only someone who knows the password
can get this far).

With REQUIRE_2FA set, organisers of the whole campaign must enrol before any
other dashboard page opens (dashboard/two_factor.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
import sqlalchemy as sa
from flask import current_app

from ...errors import UserError
from ...extensions import db
from ...models import Organiser, RecoveryCode, TwoFactor
from ...models.types import utcnow
from ..links import qr
from . import audit

RECOVERY_CODES = 10
# 5 px a module: about 265 px wide, so the code fits a phone-width page too.
QR_SCALE = 5
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Codes from one step either side of now are accepted: phones' clocks drift.
VALID_WINDOW = 1
# Lower-case base32 without look-alikes is what people copy; 16 characters = 80 bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16


class TwoFactorError(UserError, ValueError):
    """A request about two-factor login that cannot be done; the message is for people."""


class Outcome(StrEnum):
    """What a code typed at login (or to confirm) came to."""

    OK = "ok"
    RECOVERY = "recovery"  # accepted, and a recovery code was used up
    WRONG = "wrong"
    THROTTLED = "throttled"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A pending enrolment: the secret to show as text and as a QR code."""

    secret: str
    uri: str
    qr_svg: str


def required(organiser: Organiser) -> bool:
    """Whether REQUIRE_2FA makes a second factor mandatory for this organiser."""
    return bool(current_app.config.get("REQUIRE_2FA")) and organiser.team_id is None


def _row(organiser: Organiser) -> TwoFactor | None:
    return db.session.get(TwoFactor, organiser.id, populate_existing=True)


def is_enabled(organiser: Organiser) -> bool:
    """Whether this organiser has a confirmed authenticator (asked for at login)."""
    row = _row(organiser)
    return row is not None and row.confirmed_at is not None


def remaining_recovery_codes(organiser: Organiser) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.organiser_id == organiser.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def _issuer() -> str:
    from ..campaigns import campaigns  # late: campaigns pulls in much of the app

    campaign = campaigns.current_campaign()
    return (campaign.title if campaign else "Fundraiser")[:60]


def _enrolment(organiser: Organiser, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=organiser.email, issuer_name=_issuer())
    return Enrolment(
        secret=secret, uri=uri, qr_svg=qr.qr_image(uri, "svg", scale=QR_SCALE).decode()
    )


def begin_enrolment(organiser: Organiser) -> Enrolment:
    """Start (or restart) setting up an authenticator with a fresh secret; commits.

    Refuses (TwoFactorError) when one is already confirmed: turn it off first.
    The secret is not used at login until `confirm_enrolment` accepts a code.
    """
    row = _row(organiser)
    if row is not None and row.confirmed_at is not None:
        raise TwoFactorError("Two-factor login is already on.")
    secret = pyotp.random_base32(32)  # 160 bits, RFC 4226's recommended length
    if row is None:
        row = TwoFactor(organiser_id=organiser.id, secret=secret, failures=0)
        db.session.add(row)
    else:
        row.secret, row.last_step, row.failures, row.failures_since = secret, None, 0, None
    db.session.commit()
    return _enrolment(organiser, secret)


def pending_enrolment(organiser: Organiser) -> Enrolment | None:
    """The enrolment begun and not yet confirmed, to show again; None if there is none."""
    row = _row(organiser)
    if row is None or row.confirmed_at is not None:
        return None
    return _enrolment(organiser, row.secret)


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(row: TwoFactor, code: str, now: datetime) -> int | None:
    """The time step within the window whose code is `code`, or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(row.secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(row: TwoFactor, step: int) -> bool:
    """Record `step` as used unless it (or a later one) was already: a code works once."""
    result = db.session.execute(
        sa.update(TwoFactor)
        .where(
            TwoFactor.organiser_id == row.organiser_id,
            sa.or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step),
        )
        .values(last_step=step, failures=0, failures_since=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(organiser: Organiser) -> list[str]:
    """Replace every recovery code of `organiser` with fresh ones (caller commits)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    db.session.add_all(
        [RecoveryCode(organiser_id=organiser.id, code_hash=_hash_code(c)) for c in codes]
    )
    return codes


def confirm_enrolment(organiser: Organiser, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor login on if `code` is right for the pending secret; commits.

    Returns the new recovery codes (the only time they are readable).
    Raises TwoFactorError if there is nothing to confirm or the code is wrong.
    """
    now = now or utcnow()
    row = _row(organiser)
    if row is None or row.confirmed_at is not None:
        raise TwoFactorError("Start setting up two-factor login first.")
    step = _matching_step(row, _clean(code), now)
    if step is None or not _use_step(row, step):
        raise TwoFactorError("That code is not right. Check the time on your phone and try again.")
    row.confirmed_at = now
    codes = _new_recovery_codes(organiser)
    audit.record("two_factor_enabled", "Turned on two-factor login", organiser=organiser)
    db.session.commit()
    return codes


def _throttled(row: TwoFactor, now: datetime) -> bool:
    return (
        row.failures >= MAX_FAILURES
        and row.failures_since is not None
        and now - row.failures_since < FAILURE_WINDOW
    )


def _record_failure(row: TwoFactor, organiser: Organiser, now: datetime) -> None:
    if row.failures_since is None or now - row.failures_since >= FAILURE_WINDOW:
        row.failures, row.failures_since = 0, now
    row.failures += 1
    audit.record("two_factor_failed", "Wrong two-factor code at login", organiser=organiser)
    if row.failures == MAX_FAILURES:
        audit.record(
            "two_factor_throttled",
            f"Two-factor codes paused for {int(FAILURE_WINDOW.total_seconds() // 60)} minutes",
            organiser=organiser,
        )


def verify_login(organiser: Organiser, code: str, now: datetime | None = None) -> Outcome:
    """Check the second step of a login: a TOTP code or an unused recovery code; commits.

    A recovery code is used up by compare-and-set, so it works once even when
    typed twice at the same moment. Wrong codes count towards the pause.
    """
    now = now or utcnow()
    row = _row(organiser)
    if row is None or row.confirmed_at is None:
        return Outcome.WRONG
    if _throttled(row, now):
        db.session.commit()
        return Outcome.THROTTLED
    cleaned = _clean(code)[:64]
    step = _matching_step(row, cleaned, now)
    if step is not None and _use_step(row, step):
        db.session.commit()
        return Outcome.OK
    if len(cleaned) == _RECOVERY_LENGTH:
        used = db.session.execute(
            sa.update(RecoveryCode)
            .where(
                RecoveryCode.organiser_id == organiser.id,
                RecoveryCode.code_hash == _hash_code(cleaned),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if used.rowcount == 1:
            row.failures, row.failures_since = 0, None
            audit.record(
                "recovery_code_used",
                f"Logged in with a recovery code ({remaining_recovery_codes(organiser)} left)",
                organiser=organiser,
            )
            db.session.commit()
            return Outcome.RECOVERY
    _record_failure(row, organiser, now)
    db.session.commit()
    return Outcome.WRONG


def record_login(organiser: Organiser) -> None:
    """Note a login completed with the second factor (audit, last login); commits.

    The password step already wrote its own "login" row: this one says the
    code was right too, so the log tells a stolen password from a real login.
    """
    organiser.last_login_at = utcnow()
    audit.record("login_two_factor", "Logged in with a second factor", organiser=organiser)
    db.session.commit()


def check_code(organiser: Organiser, code: str, now: datetime | None = None) -> bool:
    """Whether `code` (TOTP or recovery) proves this organiser holds the second factor.

    Used before turning it off or replacing recovery codes, so that a session
    alone (a borrowed laptop) cannot remove it. Same rules as at login.
    """
    return verify_login(organiser, code, now) in (Outcome.OK, Outcome.RECOVERY)


def regenerate_recovery_codes(organiser: Organiser) -> list[str]:
    """Fresh recovery codes, the old ones no longer working; audit, commit."""
    if not is_enabled(organiser):
        raise TwoFactorError("Two-factor login is not on.")
    codes = _new_recovery_codes(organiser)
    audit.record("recovery_codes_replaced", "Replaced the recovery codes", organiser=organiser)
    db.session.commit()
    return codes


def disable(organiser: Organiser, *, by: Organiser | None = None) -> bool:
    """Turn two-factor login off for `organiser` (their secret and codes are deleted).

    `by` is who does it (None: the command line, for a lost phone). Audits and
    commits; False if it was not on.
    """
    row = _row(organiser)
    if row is None:
        return False
    was_on = row.confirmed_at is not None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    db.session.delete(row)
    if was_on:
        audit.record(
            "two_factor_disabled",
            f"Turned off two-factor login for {organiser.email}",
            organiser=by,
            actor=None if by else "command line",
            organiser_email=organiser.email,
        )
    db.session.commit()
    return was_on
