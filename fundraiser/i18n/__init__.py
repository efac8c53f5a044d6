"""The languages of the public pages: English (the default) and Russian.

A page's language is, first to last: `?lang=ru` on its URL (the switch on every
page links there; it also sets the small `lang` cookie, so the next pages
follow), the `lang` cookie, the browser's Accept-Language, else English. The
widget for other sites reads no cookie: `?lang=`, then Accept-Language.

Every answer whose words depend on that choice says so (`Vary: Accept-Language,
Cookie`, only `Accept-Language` for the widget, and `Content-Language`), so a
cache never hands one visitor's language to another. The organisers' pages
stay English. Adding a language: see the README's "Languages" section.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from babel import Locale
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, refresh
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..security.headers import EMBEDDABLE_ATTR

# Each language's code (in `?lang=`, the cookie and <html lang>) and its own name.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
# The Babel locale each language formats dates and money with ("en": British).
_LOCALES: dict[str, str] = {"en": "en_GB", "ru": "ru"}
COOKIE = "lang"
COOKIE_MAX_AGE = timedelta(days=365)
# Blueprints whose pages stay English, whatever the browser asks.
ENGLISH_ONLY = frozenset({"dashboard", "auth", "webhooks"})

babel = Babel()


def negotiate(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language code for a request: `?lang=`, the cookie, Accept-Language, English.

    Takes the raw values, so a layer in front of Flask (a cache) can key on it too.
    """
    for code in (asked, cookie):
        if code in LANGUAGES:
            return code
    accepted = parse_accept_header(accept_language or "", LanguageAccept)
    return accepted.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def locale_for(language: str | None) -> Locale:
    """The Babel locale for a language code (English for None or an unknown code)."""
    return Locale.parse(_LOCALES.get(language or "", _LOCALES[DEFAULT_LANGUAGE]))


@contextmanager
def writing_in(language: str | None) -> Iterator[None]:
    """Render (an email, say) in `language` whatever the request's own language."""
    with force_locale(str(locale_for(language))):
        yield


def current_locale() -> Locale:
    """The locale this request (or a `force_locale` block) renders in."""
    return get_locale() or locale_for(DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language code this request renders in ("en", "ru")."""
    language = current_locale().language
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def html_lang() -> str:
    """The BCP 47 tag for <html lang> ("en-GB", "ru"): scripts format numbers with it."""
    return str(current_locale()).replace("_", "-")


def _framed() -> bool:
    """True for the widget's views (`@embeddable`), which must not read cookies."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, EMBEDDABLE_ATTR, False))


def _select_locale() -> str:
    if not has_request_context() or request.blueprint in ENGLISH_ONLY:
        return _LOCALES[DEFAULT_LANGUAGE]
    framed = _framed()
    g.i18n_vary = ("Accept-Language",) if framed else ("Accept-Language", "Cookie")
    g.i18n_framed = framed
    cookie = None if framed else request.cookies.get(COOKIE)
    language = negotiate(request.args.get("lang"), cookie, request.headers.get("Accept-Language"))
    return _LOCALES[language]


def _forget_language() -> None:
    # Flask-Babel keeps the locale on `g`, which requests share when a caller
    # (a test, a CLI command) already holds an app context: choose afresh.
    refresh()
    g.pop("i18n_vary", None)
    g.pop("i18n_framed", None)


def _mark_language(response: Response) -> Response:
    """Vary and Content-Language on localized answers; remember a switch in the cookie."""
    vary = g.get("i18n_vary")
    if not vary:
        return response  # nothing in this answer depended on the language
    for header in vary:
        response.vary.add(header)
    language = current_language()
    response.headers.setdefault("Content-Language", language)
    asked = request.args.get("lang")
    if asked in LANGUAGES and not g.get("i18n_framed") and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=COOKIE_MAX_AGE,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask, translations_dir: str) -> None:
    """Bind Flask-Babel (catalogues in `translations_dir`) and the language hooks."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translations_dir)
    babel.init_app(app, default_locale=_LOCALES[DEFAULT_LANGUAGE], locale_selector=_select_locale)
    app.before_request(_forget_language)
    app.after_request(_mark_language)


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "current_language",
    "current_locale",
    "init_app",
    "locale_for",
    "negotiate",
    "writing_in",
]
