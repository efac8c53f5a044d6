"""An in-process micro-cache for what everyone polls: `/` and `/api/progress`.

When Flask answers one of them with a public 200 that touched no session
(`http_cache.conditional`), the whole answer is kept: status, every header the
app's hooks added (security headers included) and the body, with the campaign
stamp it was built for. While this process still trusts that stamp (it read it
less than STAMP_TTL_SECONDS ago, 1 s in production), a plain GET of the same
path is answered by this WSGI layer in front of Flask, from the copy: a 304
when If-None-Match matches its ETag, else the copy, each with its own
X-Request-ID, request log line and metrics, exactly as a Flask answer would.
Anything else (another method, a query string, an expired stamp, no copy yet)
goes through Flask, which reads the stamp again and refreshes the copy.

It is nginx's proxy_cache (docs/deploy.md) inside each process: a poll costs
less than Flask's own request handling, so one small server keeps up with a
spike even without a proxy cache in front. Off when STAMP_TTL_SECONDS is 0.
What it skips for a hit is Flask's before_request hooks: nothing that guards
a public read-only answer may live only there.

Safe for gunicorn's gthread workers without a lock: a copy is immutable and is
replaced whole by one dict assignment (atomic under the GIL), and it carries
the stamp it was built from, so a thread never serves a body with another
copy's ETag; at worst two threads build the same copy at once
(tests/integration/serving/test_microcache.py reads it from 8 threads while the total moves).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response
from werkzeug.http import parse_cookie, parse_etags

from . import i18n
from .ops import metrics, requestlog

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Headers that belong to one request or one visitor, never replayed.
_PER_REQUEST = frozenset({"x-request-id", "set-cookie", "date"})
# A 304 carries no body, so none of the body's own headers.
_BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})


@dataclass(frozen=True, slots=True)
class Copy:
    """One answer as Flask gave it, for the stamp it was built from."""

    stamp_token: str
    etag: str
    endpoint: str
    status: str
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    body: bytes


def copy_key(environ: dict[str, Any]) -> tuple[str, str]:
    """Which copy may answer a request: its path and the language it would be
    rendered in (the page varies on Accept-Language and the `lang` cookie)."""
    cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(i18n.COOKIE)
    language = i18n.negotiate(None, cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))
    return str(environ.get("PATH_INFO", "")), language


def keep(
    app: Flask, environ: dict[str, Any], endpoint: str | None, stamp_token: str, response: Response
) -> None:
    """Keep `response` (a public 200 for a plain GET) for replay to requests like it."""
    etag, _ = response.get_etag()
    if not etag or endpoint is None:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _PER_REQUEST]
    copy = Copy(
        stamp_token=stamp_token,
        etag=etag,
        endpoint=endpoint,
        status=response.status,
        headers=headers,
        not_modified_headers=[(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS],
        body=response.get_data(),
    )
    app.extensions.setdefault("microcache", {})[copy_key(environ)] = copy


class MicroCache:
    """WSGI middleware: answer a fresh copy's GETs without entering Flask."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def _fresh_copy(self, environ: dict[str, Any]) -> Copy | None:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return None
        copy = self.app.extensions.get("microcache", {}).get(copy_key(environ))
        held = self.app.extensions.get("http_cache_stamp")
        if copy is None or held is None or held[0] is None:
            return None
        ttl = float(self.app.config.get("STAMP_TTL_SECONDS") or 0)
        if time.monotonic() - held[1] >= ttl or held[0].token != copy.stamp_token:
            return None
        return copy

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        copy = self._fresh_copy(environ)
        if copy is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        request_id = requestlog.request_id_for(environ.get("HTTP_X_REQUEST_ID"))
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(copy.etag):
            status, headers, body = "304 NOT MODIFIED", copy.not_modified_headers, b""
        else:
            status, headers, body = copy.status, copy.headers, copy.body
        start_response(status, [*headers, (requestlog.HEADER, request_id)])
        code = int(status[:3])
        seconds = time.perf_counter() - started
        metrics.observe(copy.endpoint, "GET", code, seconds)
        requestlog.write(
            {
                "request_id": request_id,
                "method": "GET",
                "path": environ.get("PATH_INFO"),
                "endpoint": copy.endpoint,
                "status": code,
                "duration_ms": round(seconds * 1000, 2),
                "bytes": len(body),
                "cache": "hit",
            }
        )
        return [body]


def install(app: Flask) -> None:
    app.wsgi_app = MicroCache(app, app.wsgi_app)  # type: ignore[method-assign]
