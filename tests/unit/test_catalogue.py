"""The message catalogues: complete, current with the code, and compiled as they read."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from fundraiser.i18n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_SOURCES = ("fundraiser", "templates")


def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def msgids(cat: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


def extracted() -> set[str]:
    """What `make messages` would extract from the code and templates today."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)

    def wanted(path: str) -> bool:
        rel = os.path.relpath(path, ROOT)
        return rel == "." or rel.split(os.sep)[0] in _SOURCES

    found = extract_from_dir(
        ROOT, method_map, options_map, directory_filter=wanted, strip_comment_tags=True
    )
    return {msg if isinstance(msg, str) else msg[0] for _f, _l, msg, _c, _ctx in found}


TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def test_every_language_but_english_has_a_catalogue() -> None:
    assert "ru" in TRANSLATED
    assert catalogue("ru").plural_forms.startswith("nplurals=3;")  # one, few, many
    for language in TRANSLATED:
        assert catalogue(language).locale is not None


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    cat = catalogue(language)
    assert len(msgids(cat)) > 150
    for message in cat:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert not message.fuzzy, message.id
        assert strings and all(s.strip() for s in strings), f"untranslated: {message.id!r}"
        wanted = set(_PLACEHOLDER.findall(" ".join(ids)))
        for text in strings:
            # Plural forms may leave out %(num)s ("one" can say "a day"); nothing else.
            assert set(_PLACEHOLDER.findall(text)) | {"num"} >= wanted, (message.id, text)
            assert set(_PLACEHOLDER.findall(text)) <= wanted, (message.id, text)
            assert "%" not in _PLACEHOLDER.sub("", text), (message.id, text)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_exactly_what_the_code_says(language: str) -> None:
    """Nothing wrapped in the code is missing from the catalogue (run `make messages`
    and translate), and nothing in it is left over."""
    in_code = extracted()
    in_catalogue = msgids(catalogue(language))
    assert in_code - in_catalogue == set(), "not in the catalogue: run `make messages`"
    assert in_catalogue - in_code == set(), "no longer in the code: run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_says_what_the_po_file_says(language: str) -> None:
    """The app reads the .mo that `make` compiles; a stale one would show old words."""
    compiled = Translations.load(str(TRANSLATIONS), [language])
    assert isinstance(compiled, Translations), "no .mo: run `make` (it compiles catalogues)"
    for message in catalogue(language):
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, message.id
        else:
            for count in (1, 3, 5):
                form = message.string[compiled.plural(count)]
                assert compiled.ngettext(*message.id, count) == form, message.id
