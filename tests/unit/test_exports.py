"""CSV cells: formula neutralising, UTC times, money as plain decimals."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from fundraiser.services.reports.exports import BOM, Column, csv_text, iso_utc, neutralise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Robin", "Robin"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_iso_utc_converts_zones() -> None:
    bst = timezone(timedelta(hours=1))
    assert iso_utc(datetime(2017, 4, 21, 13, 5, 9, 123, tzinfo=bst)) == "2017-04-21T12:05:09Z"
    assert iso_utc(None) == ""


def test_csv_text_has_bom_header_and_all_rows_in_chunks() -> None:
    columns = [
        Column("name", lambda r: r[0]),
        Column("amount", lambda r: (r[1], "gbp"), "money"),
        Column("when", lambda r: r[2], "time"),
        Column("code", lambda r: r[0], "plain"),
    ]
    when = datetime(2017, 4, 21, tzinfo=UTC)
    data = [("=1+1", 450, when), ("Ann", 5, None), ("Bo", 100_000, when)]
    pieces = list(csv_text(columns, data, chunk=2))
    assert pieces[0].startswith(BOM + "name,amount,when,code\r\n")
    assert len(pieces) == 3  # header, two rows, one row
    rows = list(csv.reader(io.StringIO("".join(pieces)[1:], newline="")))
    assert rows[1:] == [
        ["'=1+1", "4.50", "2017-04-21T00:00:00Z", "=1+1"],
        ["Ann", "0.05", "", "Ann"],
        ["Bo", "1000.00", "2017-04-21T00:00:00Z", "Bo"],
    ]
