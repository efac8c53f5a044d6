"""`@embeddable`: the mark on views that other sites may show in an <iframe>.

Every other page refuses framing (`frame-ancestors 'none'`, set app-wide by
fundraiser/security/headers.py, which keeps the policy an embed view sets).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, make_response

from ..security.headers import EMBEDDABLE_ATTR
from ..security.headers import embeddable as mark_embeddable

# Any site may frame the widget, including a page opened from disk (file:),
# which `*` alone does not match. The rest keeps the page to its own files.
EMBED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors * file:"
)


def embeddable(view: Callable[..., Any]) -> Callable[..., Response]:
    """Mark `view` as meant for framing on any site, and give its answers the
    embed page's own Content-Security-Policy (which allows any ancestor).
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        setattr(response, EMBEDDABLE_ATTR, True)
        response.headers["Content-Security-Policy"] = EMBED_CSP
        return response

    return mark_embeddable(wrapper)


def is_embeddable(response: Response) -> bool:
    """True for answers of `@embeddable` views."""
    return bool(getattr(response, EMBEDDABLE_ATTR, False))
