"""Reading a page as a person (and a screen reader) would, to check its language."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

# Attributes people read or hear, besides the text itself.
_READ_ATTRIBUTES = frozenset({"title", "aria-label", "aria-valuetext", "placeholder", "alt"})
_READ_META = re.compile(
    r"^(description|og:(title|description|image:alt)|twitter:(title|description))$"
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words a Russian page may keep: names of things (the share links' services
# too), codes, and the switch's "English".
ALLOWED_LATIN = frozenset(
    {"Stripe", "Apple", "Pay", "Google", "JavaScript", "email", "Email", "English", "GBP", "UTC"}
    | {"WhatsApp", "Telegram", "VK", "Facebook"}
)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._skipping += 1
        heard = [value for name, value in attrs if value and name in _READ_ATTRIBUTES]
        meta = values.get("name") or values.get("property") or ""
        if tag == "meta" and _READ_META.match(meta):
            heard.append(values.get("content") or "")
        if values.get("data-words"):  # what the page's scripts will write
            heard.extend(_strings(json.loads(values["data-words"] or "{}")))
        self.parts.extend(f" {value} " for value in heard)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def readable_text(html: str) -> str:
    """Every word on the page a person can read or hear, in one string."""
    reader = _Reader()
    reader.feed(html)
    # Runs of ASCII white space become one space; no-break spaces (in "4,00 £") stay.
    return re.sub(r"[ \t\r\n]+", " ", "".join(reader.parts)).strip()


def english_words(html: str) -> set[str]:
    """Latin-script words a reader of the page meets, other than the allowed names.

    Placeholders for the page's scripts (`%(raised)s`) are not words.
    """
    text = re.sub(r"%\(\w+\)s", " ", readable_text(html))
    return {w for w in _LATIN_WORD.findall(text) if w not in ALLOWED_LATIN}
