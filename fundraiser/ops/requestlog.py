"""Request ids and one JSON log line per request.

A request id comes from the proxy's `X-Request-ID` when it is sane (letters,
digits and `._:-`, at most 128 characters), else a new random one; either way
it is echoed in the response and stamped on every log line of the request.
Donors' IP addresses and query strings are not logged, tokens in paths are
redacted, and every line passes through ops/redaction.py: the reverse proxy's own
log has what abuse handling needs, and this one can be shared more freely.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from . import redaction

HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger("fundraiser.request")


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            data["request_id"] = request_id
        data.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def request_id_for(incoming: str | None) -> str:
    """The proxy's id when it is sane, else a new random one."""
    return incoming if incoming and _SANE_ID.fullmatch(incoming) else secrets.token_hex(16)


def write(fields: dict[str, Any]) -> None:
    """Write one request's log line (see `_finish` for the fields)."""
    if access_log.isEnabledFor(logging.INFO):
        # makeRecord + handle is info() without its stack walk for the caller,
        # which a request log line does not need and every request would pay for.
        record = access_log.makeRecord(
            access_log.name,
            logging.INFO,
            __file__,
            0,
            "request",
            (),
            None,
            extra={"fields": fields},
        )
        access_log.handle(record)


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = request_id_for(request.headers.get(HEADER))


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or request_id_for(None)
    response.headers[HEADER] = request_id
    started = g.get("request_started")
    write(
        {
            "request_id": request_id,
            "method": request.method,
            "path": redaction.redact(request.path),  # no pay/cancel token in the log
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "bytes": response.calculate_content_length(),
        }
    )
    return response


def init_app(app: Flask) -> None:
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    if app.config.get("LOG_FORMAT") == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    redaction.install(logging.getLogger(), access_log, app.logger)
    # stripe-python logs two INFO lines per API call (request, response code): two
    # JSON lines per donation in a burst, saying what this app's own request line
    # and its provider warnings already say. Its warnings and errors still show.
    logging.getLogger("stripe").setLevel(logging.WARNING)
    # First in, last out: the id exists before any other hook runs (a rate limit's
    # refusal is logged with it), and the log line sees the final response.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
