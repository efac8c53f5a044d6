"""Dates in the language of the page (or of the email) being written.

Outside a request they come out in British English.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date, format_datetime, format_skeleton
from flask_babel import gettext

from . import current_locale


def date_long(value: date | datetime | None) -> str:
    """24 December 2026 / 24 декабря 2026 г."""
    return format_date(value, "long", locale=current_locale()) if value else ""


def date_short(value: date | None) -> str:
    """Fri 27 Nov / пт, 27 нояб."""
    return format_skeleton("MMMEd", value, locale=current_locale()) if value else ""


def date_weekday(value: date | None, year: bool = False) -> str:
    """Friday 27 November [2026] / пятница, 27 ноября [2026 г.]."""
    if not value:
        return ""
    # Translators: a CLDR date pattern (EEEE weekday, d day, MMMM month, y year); keep the letters.
    pattern = gettext("EEEE d MMMM y") if year else gettext("EEEE d MMMM")
    return format_date(value, pattern, locale=current_locale())


def datetime_utc(value: datetime | None) -> str:
    """24 December 2026 at 14:05 UTC, in the page's language."""
    if not value:
        return ""
    when = format_datetime(value, "HH:mm", tzinfo=UTC, locale=current_locale())
    return gettext("%(date)s at %(time)s UTC", date=date_long(value), time=when)
