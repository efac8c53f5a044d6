"""`@embeddable`: the mark on views that other sites may show in an <iframe>.

Every other page refuses framing (`frame-ancestors 'none'`, set app-wide by
fundraiser/security/headers.py, which keeps the policy an embed view sets).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, make_response

from ..security.headers import EMBEDDABLE_ATTR
from ..security.headers import embeddable as mark_embeddable

# The rest of the policy keeps the page to its own files.
_EMBED_BASE = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors "
)


def embed_csp(ancestors: str | None = None) -> str:
    """The embed page's policy, framable by EMBED_FRAME_ANCESTORS (default: any site).

    The default `*` also allows a page opened from disk (file:), which `*`
    alone does not match; any other value is used as written.
    """
    if ancestors is None:
        ancestors = str(current_app.config.get("EMBED_FRAME_ANCESTORS") or "*")
    return _EMBED_BASE + ("* file:" if ancestors.strip() == "*" else ancestors.strip())


def embeddable(view: Callable[..., Any]) -> Callable[..., Response]:
    """Mark `view` as meant for framing on other sites, and give its answers the
    embed page's own Content-Security-Policy (ancestors: EMBED_FRAME_ANCESTORS).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        setattr(response, EMBEDDABLE_ATTR, True)
        response.headers["Content-Security-Policy"] = embed_csp()
        return response

    return mark_embeddable(wrapper)


def is_embeddable(response: Response) -> bool:
    """True for answers of `@embeddable` views."""
    return bool(getattr(response, EMBEDDABLE_ATTR, False))
