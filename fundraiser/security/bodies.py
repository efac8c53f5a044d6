"""Request bodies the parser cannot take are the client's fault: 400, never a 500.

Two holes this closes:
- JSON nested thousands deep makes Python's parser raise RecursionError, which
  is not the ValueError Flask turns into 400. `SafeJSONProvider` makes it one,
  so `request.get_json()` answers 400 and `get_json(silent=True)` gives None.
- A malformed chunked body (a bad chunk size, a missing terminator) makes the
  server's input stream raise (gunicorn: ParseException, NoMoreData) only when
  the app reads it.
  `GuardedInput` turns that into werkzeug's BadRequest, answered as a 400.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

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

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._raw, method)(*args)
        except BadRequest:
            raise
        # Any failure while reading the body is about the body: gunicorn's chunk
        # errors (InvalidChunkSize...) subclass plain Exception, NoMoreData OSError.
        except Exception as exc:
            raise BadRequest(UNREADABLE) from exc

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
    """Use the safe JSON provider and guard the input stream of every request."""
    app.json = SafeJSONProvider(app)
    inner = app.wsgi_app

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if "wsgi.input" in environ:
            environ["wsgi.input"] = GuardedInput(environ["wsgi.input"])
        return inner(environ, start_response)

    app.wsgi_app = guarded  # type: ignore[method-assign]
