"""CSV exports that open cleanly in Excel and cannot run as formulas.

UTF-8 with a byte-order mark (Excel's cue for UTF-8), CRLF line ends, money
as plain decimals ("4.50") via `money.format_decimal`, times as ISO 8601 UTC
("2026-11-24T06:39:32Z"), and any text cell that a spreadsheet would treat
as a formula (starting with = + - @, a tab or a carriage return) prefixed
with an apostrophe, as OWASP advises. Each export is a list of `Column`s
and an iterator of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...models import DonationStatus
from ...money import format_decimal

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text, never evaluate."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def iso_utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    # "text" is neutralised; "money" takes (minor, currency); "time" a datetime;
    # "plain" is written as it is (our own ids and codes).
    kind: str = "text"

    def cell(self, row: Any) -> str:
        value = self.value(row)
        if self.kind == "money":
            minor, currency = value
            return format_decimal(int(minor), currency)
        if self.kind == "time":
            return iso_utc(value)
        if value is None:
            return ""
        text = str(value)
        return neutralise(text) if self.kind == "text" else text


def csv_text(columns: list[Column], rows: Iterable[Any], chunk: int = 200) -> Iterator[str]:
    """The CSV document in pieces: BOM and header first, then rows in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in columns])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([c.cell(row) for c in columns])
        if n % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _net(row: Any) -> tuple[int, str]:
    d = row.Donation
    return (
        d.amount_minor - row.deducted if d.status == DonationStatus.SUCCEEDED else 0,
        d.currency,
    )


# Rows are select_donations() rows: (Donation, refunded, disputed, deducted, team).
DONATION_COLUMNS = [
    Column("donation_id", lambda r: r.Donation.public_id, "plain"),
    Column("created_at_utc", lambda r: r.Donation.created_at, "time"),
    Column("succeeded_at_utc", lambda r: r.Donation.succeeded_at, "time"),
    Column("status", lambda r: r.Donation.status, "plain"),
    Column("amount", lambda r: (r.Donation.amount_minor, r.Donation.currency), "money"),
    Column("currency", lambda r: r.Donation.currency.upper(), "plain"),
    Column("refunded", lambda r: (r.refunded, r.Donation.currency), "money"),
    Column("disputed", lambda r: (r.disputed, r.Donation.currency), "money"),
    Column("net", _net, "money"),
    Column("name", lambda r: r.Donation.display_name),
    Column("name_public", lambda r: "yes" if r.Donation.name_public else "no", "plain"),
    Column("email", lambda r: r.Donation.email),
    Column("message", lambda r: r.Donation.message),
    Column("source", lambda r: r.Donation.source),
    Column("team", lambda r: r.team),
    Column("stripe_payment_intent", lambda r: r.Donation.stripe_payment_intent_id),
]


# Rows are pledge_table.select_pledges() rows: (Pledge, donation_id, stripe_id).
PLEDGE_COLUMNS = [
    Column("pledge_id", lambda r: r.Pledge.public_id, "plain"),
    Column("created_at_utc", lambda r: r.Pledge.created_at, "time"),
    Column("payday", lambda r: r.Pledge.payday.isoformat(), "plain"),
    Column("status", lambda r: r.Pledge.status, "plain"),
    Column("amount", lambda r: (r.Pledge.amount_minor, r.Pledge.currency), "money"),
    Column("currency", lambda r: r.Pledge.currency.upper(), "plain"),
    Column("email", lambda r: r.Pledge.email),
    Column("reminders_consent", lambda r: "yes" if r.Pledge.consent else "no", "plain"),
    Column("reminders_sent", lambda r: r.Pledge.reminders_sent, "plain"),
    Column("fulfilled_at_utc", lambda r: r.Pledge.fulfilled_at, "time"),
    Column("cancelled_at_utc", lambda r: r.Pledge.cancelled_at, "time"),
    Column("lapsed_at_utc", lambda r: r.Pledge.lapsed_at, "time"),
    Column("donation_id", lambda r: r.donation_id, "plain"),
    Column("stripe_payment_intent", lambda r: r.stripe_id),
]
