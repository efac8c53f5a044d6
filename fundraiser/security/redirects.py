"""Redirects that can only lead to this site's own paths.

Use `safe_redirect(request.args.get("next"), "public.campaign_page")` wherever a
redirect target comes from a request: anything that is not a plain local path
("/..." but not "//host", "/\\host", "https:...", control characters) is
replaced by the fallback, so the site can't be used to bounce donors elsewhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import redirect, url_for
from werkzeug.wrappers import Response

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def is_local_path(target: object) -> bool:
    """True when `target` is a path on this site that every browser reads the same way."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if _UNSAFE.search(target) or len(target) > 2000:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_target(target: object, fallback: str) -> str:
    """`target` if it is a local path, else `fallback` (itself a trusted URL)."""
    return target if is_local_path(target) else fallback  # type: ignore[return-value]


def safe_redirect(target: object, fallback_endpoint: str, code: int = 303) -> Response:
    """Redirect to `target` if it is a local path, else to `fallback_endpoint`."""
    return redirect(safe_target(target, url_for(fallback_endpoint)), code=code)
