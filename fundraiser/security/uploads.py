"""The few pages that take a file: a larger body limit, set before anything reads it.

Every other request is held to MAX_CONTENT_LENGTH (64 KiB). A view marked
`@accepts_upload` may take UPLOAD_MAX_BYTES instead. The limit is raised in a
URL value preprocessor because those run before every before_request function,
and CSRF protection (a before_request) is the first to parse the form.
A body declared larger is refused at once with 413, unread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request

F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "accepts_upload"


def accepts_upload(view: F) -> F:
    """Mark a view as taking a file upload of up to UPLOAD_MAX_BYTES."""
    setattr(view, _ATTR, True)
    return view


def too_large_words(limit: int) -> str:
    """The refusal an organiser reads, with the limit in megabytes."""
    return f"That file is too large: the limit is {limit // (1024 * 1024)} MB."


def _raise_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    view = current_app.view_functions.get(endpoint or "")
    if not getattr(view, _ATTR, False):
        return
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        abort(413, description=too_large_words(limit))
    # Werkzeug enforces this while reading (also for a chunked body of no stated length).
    request.max_content_length = limit


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_raise_limit)
