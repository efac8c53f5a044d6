"""The organiser's words: the page's language first, else the other, marked."""

from __future__ import annotations

from types import SimpleNamespace

from fundraiser.i18n.organiser_text import Words, field_name, missing, pick


def test_the_page_language_wins_when_written() -> None:
    campaign = SimpleNamespace(title="Out of Chechnya", title_ru="Из Чечни")
    assert pick(campaign, "title", "ru") == Words("Из Чечни", "ru", False)
    assert pick(campaign, "title", "en") == Words("Out of Chechnya", "en", False)


def test_a_missing_translation_falls_back_to_the_other_language_marked() -> None:
    only_english = SimpleNamespace(title="Out of Chechnya", title_ru="  ")
    assert pick(only_english, "title", "ru") == Words("Out of Chechnya", "en", True)
    only_russian = {"label": "", "label_ru": "Чашка кофе"}
    assert pick(only_russian, "label", "en") == Words("Чашка кофе", "ru", True)


def test_nothing_written_is_empty_and_falsy() -> None:
    words = pick({"label": None}, "label", "en")
    assert not words and str(words) == "" and not words.fallback


def test_missing_lists_only_fields_written_in_one_language() -> None:
    team = SimpleNamespace(name="Leeds Pride", name_ru=None, notes="", notes_ru="")
    assert missing(team, ("name", "notes")) == [("name", "ru")]
    assert field_name("story", "ru") == "story_ru" and field_name("story", "en") == "story"
