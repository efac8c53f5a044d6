"""Money as integer minor units plus an ISO 4217 currency code. Never a float.

`parse_amount("4.50", "gbp") == 450` and `format_money(450, "gbp") == "£4.50"`;
for people reading a page in their language, `format_money_in(450, "gbp", "ru")
== "4,50 £"` (Babel, from the same CLDR data the browser's Intl.NumberFormat uses).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency
from flask_babel import gettext

from .errors import UserError

# Currencies Stripe treats as having no minor unit (amount 500 JPY means ¥500).
_ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
_SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$", "jpy": "¥", "rub": "₽"}
# ASCII digits only (\d would take other scripts' digits); nine digits of units
# bound every amount far above any gift.
_AMOUNT = re.compile(r"^(?P<units>[0-9]{1,9})(?:[.,](?P<minor>[0-9]{1,2}))?$")


class AmountError(UserError, ValueError):
    """The text is not an amount of money a person could mean."""


def exponent(currency: str) -> int:
    """Number of minor-unit digits for `currency` (2 for GBP, 0 for JPY)."""
    return 0 if currency.lower() in _ZERO_DECIMAL else 2


def symbol(currency: str) -> str:
    return _SYMBOLS.get(currency.lower(), currency.upper() + " ")


def parse_amount(text: str, currency: str) -> int:
    """Parse what a person typed ("4", "4.5", "£4.50") into minor units.

    Raises AmountError with a sentence a donor understands.
    """
    cleaned = (text or "").strip().replace(" ", "")
    sym = symbol(currency).strip()
    if sym and cleaned.startswith(sym):
        cleaned = cleaned[len(sym) :]
    if not cleaned:
        raise AmountError(gettext("Please enter an amount."))
    match = _AMOUNT.match(cleaned)
    if not match:
        raise AmountError(gettext("Please enter an amount in numbers, like 4 or 4.50."))
    digits = exponent(currency)
    minor_text = match.group("minor") or ""
    if digits == 0 and minor_text.strip("0"):
        raise AmountError(
            gettext("%(currency)s amounts have no fractional part.", currency=currency.upper())
        )
    minor = int(match.group("units")) * 10**digits
    if digits:
        minor += int(minor_text.ljust(digits, "0"))
    return minor


def format_money(minor: int, currency: str, *, trim: bool = False) -> str:
    """Format minor units for people: 450 GBP -> "£4.50"; with trim, 400 -> "£4"."""
    digits = exponent(currency)
    sign = "-" if minor < 0 else ""
    units, rest = divmod(abs(minor), 10**digits) if digits else (abs(minor), 0)
    text = f"{units:,}"
    if digits and not (trim and rest == 0):
        text += f".{rest:0{digits}d}"
    return f"{sign}{symbol(currency)}{text}"


@lru_cache(maxsize=64)
def _currency_pattern(locale: Locale, digits: int) -> str:
    """The locale's currency pattern with exactly `digits` decimals ("¤#,##0.00" -> "¤#,##0")."""
    pattern = locale.currency_formats["standard"].pattern
    return re.sub(r"\.[0#]+", "." + "0" * digits if digits else "", pattern)


def format_money_in(minor: int, currency: str, locale: Locale | str, *, trim: bool = False) -> str:
    """Format minor units for people reading `locale`: 450 GBP -> "£4.50" in en_GB,
    "4,50 £" in ru; with trim, a whole amount loses its decimals ("£4", "4 £").

    The decimals are the currency's as Stripe counts them (`exponent`), like
    `format_money`; only the symbol, separators and order follow the locale.
    """
    digits = exponent(currency)
    shown = 0 if trim and minor % 10**digits == 0 else digits
    return format_currency(
        Decimal(minor).scaleb(-digits),
        currency.upper(),
        format=_currency_pattern(Locale.parse(locale), shown),
        locale=locale,
        currency_digits=False,
    )


def format_decimal(minor: int, currency: str) -> str:
    """Plain decimal text for exports: 450 GBP -> "4.50" (no symbol, no commas)."""
    digits = exponent(currency)
    if not digits:
        return str(minor)
    sign = "-" if minor < 0 else ""
    units, rest = divmod(abs(minor), 10**digits)
    return f"{sign}{units}.{rest:0{digits}d}"
