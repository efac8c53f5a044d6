"""Signed, expiring tokens for links in emails (itsdangerous).

Each purpose has its own salt, so a token made for one purpose (a cancel link)
is refused for another (paying). A refused token raises TokenError (tampered,
cut short or wrong-purpose) or its TokenGone (expired, or used up); the views
answer 400 and 410 (`fundraiser.views.status_for`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..errors import UserError

PAY = "pledge-pay"
CANCEL = "pledge-cancel"
UNSUBSCRIBE = "unsubscribe"
# Stops the organisers' updates by email (services/updates/update_mail.py).
UPDATES_UNSUBSCRIBE = "updates-unsubscribe"
# Organiser account links (services/organisers/organiser_accounts.py); single-use is kept there.
INVITE = "organiser-invite"
RESET = "organiser-reset"
# "Delete my details" in receipts and pledge emails (services/donations/privacy.py).
ERASE = "erase-details"
# The receipt a donor saves from the thank-you page (services/donations/receipts.py).
RECEIPT = "donation-receipt"

MAX_AGE: dict[str, timedelta] = {
    PAY: timedelta(days=14),
    # A cancel link goes out at pledge time, possibly weeks before payday.
    CANCEL: timedelta(days=120),
    UNSUBSCRIBE: timedelta(days=365),
    UPDATES_UNSUBSCRIBE: timedelta(days=365),
    INVITE: timedelta(days=3),
    RESET: timedelta(hours=1),
    # Long enough to change one's mind after the drive; retention erases by then anyway.
    ERASE: timedelta(days=180),
    # Only to save or print it now: a link in a shared browser's history should
    # not open a record of the gift for long.
    RECEIPT: timedelta(days=7),
}


class TokenError(UserError):
    """A link that cannot be used (tampered with, cut short, made for another purpose)."""


class TokenGone(TokenError):
    """A link that was good and is no longer: expired, used, or what it names moved on."""


def _serializer(purpose: str, issued_at: datetime | None = None) -> URLSafeTimedSerializer:
    if purpose not in MAX_AGE:
        raise ValueError(f"unknown token purpose {purpose!r}")
    signer: type[TimestampSigner] = TimestampSigner
    if issued_at is not None:
        stamp = int(issued_at.timestamp())
        signer = type("IssuedAtSigner", (TimestampSigner,), {"get_timestamp": lambda _s: stamp})
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"fundraiser.{purpose}", signer=signer
    )


def sign(purpose: str, value: str, *, issued_at: datetime | None = None) -> str:
    """A URL-safe token for `value`; `issued_at` back-dates it (tests of expiry)."""
    return str(_serializer(purpose, issued_at).dumps(value))


def verify(purpose: str, token: str) -> str:
    """The value signed into `token` for `purpose`, or TokenError."""
    max_age = int(MAX_AGE[purpose].total_seconds())
    try:
        value = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenGone(gettext("This link has expired.")) from exc
    except BadSignature as exc:
        raise invalid_link() from exc
    if not isinstance(value, str):
        raise invalid_link()
    return value


def invalid_link() -> TokenError:
    """The refusal of a link that was tampered with, cut short or made for another purpose."""
    return TokenError(gettext("This link is not valid. Please check you copied all of it."))
