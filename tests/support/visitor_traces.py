"""Searching a test run for what the server must never remember: visitors' addresses.

Every request of the suite comes from a marked visitor: the Flask test client
(`MarkedClient`) and the live server (`marked`) put CLIENT_ADDRESS in
REMOTE_ADDR and browsers (and the test client) send USER_AGENT. `Watch`, the
outermost WSGI layer of the session app, notes every address (REMOTE_ADDR and
each X-Forwarded-For hop, loopback aside: that is the harness itself) and
every User-Agent the app was handed, whatever a test set. After each test,
tests/conftest.py searches every row of every table and everything logged
(`LogSink`) for each of them, and fails the test that left one, saying where.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from werkzeug.serving import WSGIRequestHandler

# RFC 5737 documentation address: never a real visitor, never in the code.
CLIENT_ADDRESS = "203.0.113.195"
USER_AGENT = "TraceAgent/16.0 (fundraiser test visitor; marker-7c3e)"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class MarkedClient(FlaskClient):
    """The test client, visiting from CLIENT_ADDRESS with USER_AGENT (a test may override)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.update(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT=USER_AGENT)


def marked(app: WSGIApp) -> WSGIApp:
    """`app` as seen by a visitor at CLIENT_ADDRESS (for servers that hear only loopback)."""

    def visit(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["REMOTE_ADDR"] = CLIENT_ADDRESS
        return app(environ, start_response)

    return visit


def _public(value: str) -> str | None:
    """`value` if it is an IP address other than loopback or unspecified, else None."""
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return None
    return str(address)


class Watch:
    """WSGI middleware noting each visitor address and User-Agent the app is handed."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        hops = [environ.get("REMOTE_ADDR") or ""]
        hops += (environ.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        found = {a for a in map(_public, hops) if a}
        agent = environ.get("HTTP_USER_AGENT") or ""
        if len(agent) >= 8:  # shorter would match by chance
            found.add(agent)
        with self._lock:
            self._seen |= found
        return self.app(environ, start_response)

    def take(self) -> set[str]:
        """Everything noted since the last call (always the marks themselves)."""
        with self._lock:
            seen, self._seen = self._seen, set()
        return seen | {CLIENT_ADDRESS, USER_AGENT}


class LogSink(logging.Handler):
    """Keeps the text of every record it is handed (message, fields, traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string still shows its template
            text = str(record.msg)
        fields = getattr(record, "fields", None)
        if fields:
            text += " " + json.dumps(fields, default=str)
        if record.exc_info:
            text += " " + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def in_database(engine: Engine, metadata: sa.MetaData, needles: Iterable[str]) -> list[str]:
    """Where any of `needles` is found in any column of any row: "table.column (row id)".

    One query says which tables hold rows at all (a test leaves few); only those
    are read, and every value is searched as text (JSON as its JSON text).
    """
    needles = sorted(set(needles))
    tables = metadata.sorted_tables
    probes = [sa.select(sa.literal(t.name)).where(sa.exists().select_from(t)) for t in tables]
    found: list[str] = []
    with engine.connect() as conn:
        filled = set(conn.scalars(sa.union_all(*probes)))
        for table in (t for t in tables if t.name in filled):
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    found += [
                        f"{table.name}.{column} (row {row.get('id', '?')}): {n!r}"
                        for n in needles
                        if n in text
                    ]
    return found


def in_lines(lines: Iterable[str], needles: Iterable[str], where: str) -> list[str]:
    """Each of `lines` that holds one of `needles`, prefixed with `where`."""
    needles = sorted(set(needles))
    return [f"{where}: {line[:300]!r}" for line in lines for n in needles if n in line]


class AnonymousRequestHandler(WSGIRequestHandler):
    """The development server's handler, logging requests without the client's address
    (as gunicorn.conf.py does for production)."""

    def address_string(self) -> str:
        return "-"
