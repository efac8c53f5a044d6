"""Text from outside (forms, query strings, Stripe's payloads): cleaning and email forms.

One definition of "control character" for the whole app, so what a form keeps
and what a service accepts agree (a payday link's label, sent back by the donate
form as `source`, must be one the form keeps exactly).
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab and line feed (a message may keep its lines), DEL,
# and lone UTF-16 surrogates (which JSON's \\ud800 can carry but no database can
# store; PostgreSQL also refuses a NUL in any text or query).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_LINE_BREAKS = str.maketrans("", "", "\t\n")


def strip_control(text: str) -> str:
    """`text` without control characters or lone surrogates (tabs and newlines stay)."""
    return CONTROL.sub("", text)


def is_one_line(text: str) -> bool:
    """True when `text` is one line of plain text: no control character, tab or newline
    (so `clean_text` gives it back as it is, and it fits on one line of a table)."""
    return CONTROL.search(text) is None and text.translate(_LINE_BREAKS) == text


def clean_text(value: Any) -> Any:
    """A form filter: strip control characters and surrounding space; empty becomes None.

    Anything that is not a string (None, or a JSON number the form then refuses)
    is returned as it came.
    """
    if not isinstance(value, str):
        return value
    return strip_control(value).strip() or None


def clean_limited(value: object, limit: int = 300) -> str | None:
    """Text safe for any database column, at most `limit` characters; None when it is
    not text or nothing is left (for what Stripe sends: kept as sent, space included)."""
    if not isinstance(value, str):
        return None
    return strip_control(value)[:limit] or None


def email_key(address: str) -> str:
    """The form an email address is matched under: lower case, no surrounding space.

    No validation: any string gets a key, so a look-up (the outbox's suppression
    list, an organiser's login) finds the same row however the address was typed.
    """
    return address.strip().lower()


def donor_email_key(address: str) -> str:
    """`email_key` after removing control characters, tabs and newlines: what erasing
    a donor matches on, so a pasted address with a stray one still finds their rows."""
    return email_key(strip_control(address).translate(_LINE_BREAKS))
