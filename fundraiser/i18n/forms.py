"""The base of every form: WTForms' own messages in the request's language.

Flask-WTF reads WTForms' catalogue from disk for every request that builds a
form (a POST /donate among them); this loads each language's once per process.
"""

from __future__ import annotations

import functools
from typing import Any

from babel import support
from flask import current_app
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

from . import current_locale


@functools.cache
def wtforms_catalogue(locale: str) -> support.NullTranslations:
    """WTForms' messages in `locale` (English ones where it has none), loaded once."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """A FlaskForm whose built-in messages ("This field is required.") follow the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_catalogue(str(current_locale()))
