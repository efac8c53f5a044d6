"""Slugs for addresses: made from names, and kept unique by a numeric suffix."""

from __future__ import annotations

import re
from collections.abc import Iterable


def slugify(text: str, max_length: int = 60) -> str:
    """ "Pride in Hull!" -> "pride-in-hull"; "" when nothing in it is a-z or 0-9."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_length].strip("-")


def first_free(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not in `taken`."""
    used = set(taken)
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug
