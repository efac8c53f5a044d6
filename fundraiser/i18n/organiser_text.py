"""The organiser's own words in each language, with a marked fallback.

Convention: every text an organiser writes (a campaign's title and story, tier
labels, team names and notes, milestone labels, updates) is stored twice: the
English in the field itself (`title`) and the Russian beside it (`title_ru`,
empty or None when not written; for dicts such as tiers, the keys `label` and
`label_ru`). A page shows the text in its own language; when that one is
missing it shows the other language's text and says so (`fallback`), so the
page can mark it with its own `lang` attribute and the dashboard can tell the
organiser what is left to translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from . import DEFAULT_LANGUAGE, LANGUAGES, current_language


@dataclass(frozen=True, slots=True)
class Words:
    """A text to show: its words, the language they are in, and whether that is a fallback."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def field_name(field: str, language: str) -> str:
    """Where `field` is kept in `language`: `title` for English, `title_ru` for Russian."""
    return field if language == DEFAULT_LANGUAGE else f"{field}_{language}"


def _read(source: Any, name: str) -> str:
    value = source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)
    return (value or "").strip() if isinstance(value, str) else ""


def pick(source: Any, field: str, language: str | None = None) -> Words:
    """`source`'s `field` in `language` (the page's, by default), else in another language.

    `source` is a model row or a dict. Returns empty Words when no language has it.
    """
    wanted = language if language in LANGUAGES else current_language()
    text = _read(source, field_name(field, wanted))
    if text:
        return Words(text, wanted, False)
    for other in LANGUAGES:
        if other != wanted and (text := _read(source, field_name(field, other))):
            return Words(text, other, True)
    return Words("", wanted, False)


def missing(source: Any, fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """The (field, language) pairs written in one language but not the other, for the dashboard."""
    gaps: list[tuple[str, str]] = []
    for field in fields:
        written = {code: bool(_read(source, field_name(field, code))) for code in LANGUAGES}
        if any(written.values()):
            gaps.extend((field, code) for code, present in written.items() if not present)
    return gaps


def marked(words: Words) -> Markup:
    """`words` as HTML: in a `<span lang>` when they are a fallback, so readers and
    screen readers know the language changes; plain escaped text otherwise."""
    if words.fallback:
        return Markup('<span lang="{}">{}</span>').format(words.language, words.text)
    return escape(words.text)


def lang_attr(words: Words) -> Markup:
    """` lang="en"` for an element holding a fallback (its own language), else nothing."""
    return Markup(' lang="{}"').format(words.language) if words.fallback else Markup("")
