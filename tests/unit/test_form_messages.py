"""WTForms' built-in messages follow the page's language, from a catalogue loaded once."""

from __future__ import annotations

import pytest
from babel import support
from flask import Flask
from wtforms import StringField
from wtforms.validators import DataRequired

from fundraiser import create_app
from fundraiser.i18n import forms


class _NameForm(forms.Form):
    name = StringField("Name", validators=[DataRequired()])


@pytest.fixture
def bare_app() -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
        }
    )


def _errors(app: Flask, query: str) -> list[str]:
    with app.test_request_context(f"/{query}", method="POST", data={"name": ""}):
        form = _NameForm()
        assert not form.validate()
        return list(form.name.errors)


def test_each_language_gets_wtforms_own_words(bare_app: Flask) -> None:
    assert _errors(bare_app, "?lang=en") == ["This field is required."]
    russian = _errors(bare_app, "?lang=ru")
    assert russian and russian != ["This field is required."]
    assert any("\u0400" <= ch <= "\u04ff" for ch in russian[0])  # Cyrillic


def test_the_catalogue_is_read_once_per_language(
    bare_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    forms.wtforms_catalogue.cache_clear()
    loads: list[object] = []
    real_load = support.Translations.load

    def counting_load(*args: object, **kwargs: object) -> object:
        loads.append(args)
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(support.Translations, "load", counting_load)
    for _ in range(3):
        _errors(bare_app, "?lang=ru")
        _errors(bare_app, "?lang=en")
    assert len(loads) == 2
