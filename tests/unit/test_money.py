"""fundraiser.money: parsing what people type and formatting minor units."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundraiser.money import AmountError, format_decimal, format_money, parse_amount


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("4", 400),
        ("4.5", 450),
        ("4.50", 450),
        ("2,50", 250),
        ("£2.50", 250),
        (" 20 ", 2000),
        ("0.01", 1),
        ("10000", 1_000_000),
    ],
)
def test_parse_amount_gbp(text: str, minor: int) -> None:
    assert parse_amount(text, "gbp") == minor


@pytest.mark.parametrize("text", ["", "abc", "-4", "4.505", "1e3", "4..5", "£", "NaN", "٤"])
def test_parse_amount_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, "gbp")


def test_parse_amount_has_an_upper_bound() -> None:
    assert parse_amount("999999999.99", "gbp") == 99_999_999_999
    with pytest.raises(AmountError):
        parse_amount("1000000000", "gbp")


def test_parse_zero_decimal_currency() -> None:
    assert parse_amount("500", "jpy") == 500
    with pytest.raises(AmountError):
        parse_amount("500.5", "jpy")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (450, "gbp", "£4.50"),
        (5_000_000, "gbp", "£50,000.00"),
        (-125, "eur", "-€1.25"),
        (500, "jpy", "¥500"),
        (7, "chf", "CHF 0.07"),
    ],
)
def test_format_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text


def test_format_money_trim_drops_zero_pence_only() -> None:
    assert format_money(400, "gbp", trim=True) == "£4"
    assert format_money(450, "gbp", trim=True) == "£4.50"


def test_format_decimal_for_exports() -> None:
    assert format_decimal(5, "gbp") == "0.05"
    assert format_decimal(123456, "gbp") == "1234.56"
    assert format_decimal(-250, "gbp") == "-2.50"


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_decimal_text_round_trips(minor: int) -> None:
    assert parse_amount(format_decimal(minor, "gbp"), "gbp") == minor
