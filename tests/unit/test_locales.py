"""Money for the reader's locale, and how a request's language is chosen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundraiser.i18n import locale_for, negotiate
from fundraiser.money import format_money, format_money_in, parse_amount

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("minor", "currency", "trim", "english", "russian"),
    [
        (400, "gbp", False, "£4.00", f"4,00{NBSP}£"),
        (400, "gbp", True, "£4", f"4{NBSP}£"),
        (450, "gbp", True, "£4.50", f"4,50{NBSP}£"),
        (27, "gbp", False, "£0.27", f"0,27{NBSP}£"),
        (5_000_000, "gbp", True, "£50,000", f"50{NBSP}000{NBSP}£"),
        (123_456_789, "eur", False, "€1,234,567.89", f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        (-450, "gbp", False, "-£4.50", f"-4,50{NBSP}£"),
        (500, "jpy", False, "JP¥500", f"500{NBSP}¥"),  # no minor unit: 500 means ¥500
    ],
)
def test_format_money_in_english_and_russian(
    minor: int, currency: str, trim: bool, english: str, russian: str
) -> None:
    assert format_money_in(minor, currency, locale_for("en"), trim=trim) == english
    assert format_money_in(minor, currency, locale_for("ru"), trim=trim) == russian


@given(st.integers(min_value=0, max_value=10**11))
def test_english_formatting_agrees_with_format_money(minor: int) -> None:
    assert format_money_in(minor, "gbp", "en_GB") == format_money(minor, "gbp")
    assert format_money_in(minor, "gbp", "en_GB", trim=True) == format_money(
        minor, "gbp", trim=True
    )


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_a_russian_amount_reads_back_as_the_same_minor_units(minor: int) -> None:
    shown = format_money_in(minor, "gbp", "ru").replace(NBSP, "").removesuffix("£")
    assert parse_amount(shown, "gbp") == minor


@pytest.mark.parametrize(
    ("asked", "cookie", "accept", "language"),
    [
        (None, None, None, "en"),
        (None, None, "", "en"),
        (None, None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        (None, None, "en-US,en;q=0.9,ru;q=0.8", "en"),
        (None, None, "uk, ru;q=0.5", "ru"),
        (None, None, "de-DE, fr", "en"),
        (None, "ru", "en", "ru"),
        ("en", "ru", "ru", "en"),
        ("ru", None, "en", "ru"),
        ("xx", "yy", "ru", "ru"),
        ("<script>", None, None, "en"),
    ],
)
def test_negotiate(
    asked: str | None, cookie: str | None, accept: str | None, language: str
) -> None:
    assert negotiate(asked, cookie, accept) == language


def test_each_language_formats_in_its_own_locale() -> None:
    assert str(locale_for("en")) == "en_GB"
    assert str(locale_for("ru")) == "ru"
    assert str(locale_for(None)) == str(locale_for("klingon")) == "en_GB"
