"""Request bodies the parser cannot take are the client's fault: 400, never a 500.

Two holes this closes:
- JSON nested thousands deep makes Python's parser raise RecursionError, which
  is not the ValueError Flask turns into 400. `SafeJSONProvider` makes it one,
  so `request.get_json()` answers 400 and `get_json(silent=True)` gives None.
- A malformed chunked body (a bad chunk size, a missing terminator) makes the
  server's input stream raise (gunicorn: ParseException, NoMoreData) only when
  the app reads it.
  `GuardedInput` turns that into werkzeug's BadRequest, answered as a 400.

And one it prevents: behind the proxy (TRUSTED_PROXIES set, as docs/deploy.md
runs it), a body the app answers without reading (a form refused for its CSRF
token, an upload refused for its size) is read to its end before the answer
goes out. gunicorn drains at most 64 KiB of an unread body and then closes the
connection with the rest unread, which resets it under nginx while nginx is
still sending: the organiser whose upload was refused got nginx's 502 instead
of the app's words (tests/integration/serving/test_unread_bodies.py). There the
body is already whole at nginx and comes at loopback speed. Straight at
gunicorn it is left to gunicorn's drain, bounded in bytes and time: reading it
here could hold a thread for as long as a slow client likes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.wsgi import get_content_length

UNREADABLE = "The request body could not be read."
StartResponse = Callable[..., Any]


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with too-deep nesting reported as invalid JSON (ValueError)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


class GuardedInput:
    """A wsgi.input whose read errors are the client's: BadRequest, not a crash."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.consumed = 0

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            data = getattr(self._raw, method)(*args)
        except BadRequest:
            raise
        # Any failure while reading the body is about the body: gunicorn's chunk
        # errors (InvalidChunkSize...) subclass plain Exception, NoMoreData OSError.
        except Exception as exc:
            raise BadRequest(UNREADABLE) from exc
        self.consumed += sum(map(len, data)) if method == "readlines" else len(data)
        return data

    def drain(self, declared: int, bound: int) -> None:
        """Read and drop what is left of a body of `declared` bytes, if at most `bound`."""
        left = declared - self.consumed
        if not 0 < left <= bound:
            return
        # A client that hangs up mid-body leaves nothing to answer: stop quietly.
        with contextlib.suppress(Exception):
            while left > 0 and (chunk := self._raw.read(min(left, 65536))):
                left -= len(chunk)

    def read(self, *args: Any) -> bytes:
        return self._guard("read", *args)  # type: ignore[no-any-return]

    def readline(self, *args: Any) -> bytes:
        return self._guard("readline", *args)  # type: ignore[no-any-return]

    def readlines(self, *args: Any) -> list[bytes]:
        return self._guard("readlines", *args)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def init_app(app: Flask) -> None:
    """Use the safe JSON provider; guard, and finish reading, every request's body."""
    app.json = SafeJSONProvider(app)
    inner = app.wsgi_app
    # The largest body nginx lets through (deploy/nginx/fundraiser.conf: the upload
    # limit and 1 MiB for the form around it); past it, closing is the answer.
    largest = max(app.config.get("MAX_CONTENT_LENGTH") or 0, app.config["UPLOAD_MAX_BYTES"])
    behind_proxy = int(app.config.get("TRUSTED_PROXIES") or 0) > 0
    bound = largest + 1024 * 1024 if behind_proxy else 0

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if "wsgi.input" not in environ:
            return inner(environ, start_response)
        body = GuardedInput(environ["wsgi.input"])
        environ["wsgi.input"] = body
        response = inner(environ, start_response)
        body.drain(get_content_length(environ) or 0, bound)
        return response

    app.wsgi_app = guarded  # type: ignore[method-assign]
