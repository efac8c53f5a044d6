"""What templates and page scripts need to speak the page's language.

Template globals: `html_lang()`, `language_links()`, `script_words()` (the
words the page's scripts write, as JSON for `<html data-words>`). Filters for
dates in the page's language (i18n/dates.py), and `provider_words` for the
payment provider's sentences the catalogue knows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from babel.numbers import format_decimal
from flask import request
from flask_babel import get_translations, gettext, lazy_gettext

from ..public_urls import base_url
from . import LANGUAGES, current_language, current_locale, html_lang
from .dates import date_long, date_short, date_weekday, datetime_utc


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


def language_links() -> list[LanguageLink]:
    """The switch: this page in each language (`?lang=`), the current one marked."""
    current = current_language()
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = request.script_root + quote(request.path)
    return [
        LanguageLink(code, name, f"{path}?{urlencode([*args, ('lang', code)])}", code == current)
        for code, name in LANGUAGES.items()
    ]


def language_alternates() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for `<link rel="alternate">`: this page in each language,
    and `x-default` without `?lang=` (the browser's language decides). Absolute and
    from the public base URL (fundraiser/public_urls.py), never the request's Host.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    here = base_url() + quote(request.path)
    alternates = [(code, f"{here}?{urlencode([*args, ('lang', code)])}") for code in LANGUAGES]
    alternates.append(("x-default", f"{here}?{urlencode(args)}" if args else here))
    return alternates


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A plural message's translations by CLDR plural category ("one", "few", "many",
    "other"), with `%(num)s` left in, for Intl.PluralRules in the page's scripts.
    """
    locale = current_locale()
    translations = get_translations()
    forms: dict[str, str] = {}
    for count in range(200):  # every integer category shows up below 200
        forms.setdefault(locale.plural_form(count), translations.ungettext(singular, plural, count))
    return forms


def script_words() -> dict[str, Any]:
    """The words static/js/*.js write, in the page's language (see static/js/i18n.js)."""
    return {
        # donate.js (the first four mirror fundraiser/money.py and donate_form.py)
        "amount_missing": gettext("Please enter an amount."),
        "amount_format": gettext("Please enter an amount in numbers, like 4 or 4.50."),
        "amount_min": gettext("The smallest gift is %(amount)s."),
        "amount_max": gettext("The largest gift online is %(amount)s."),
        "card_form_failed": gettext(
            "The card form couldn't load. Please check your connection and reload the page."
        ),
        "something_wrong": gettext("Something went wrong. Nothing was charged; please try again."),
        "payment_failed": gettext("Your payment didn't go through."),
        "start_failed": gettext(
            "We couldn't start your donation. Please check your connection and try again."
        ),
        # progress.js
        "raised_of": gettext("%(raised)s raised of %(target)s"),
        "raised_of_pledged": gettext("%(raised)s raised of %(target)s, and %(pledged)s pledged"),
        "summary_of": plural_forms(
            "%(raised)s raised of %(target)s from %(num)s donation",
            "%(raised)s raised of %(target)s from %(num)s donations",
        ),
        "summary": plural_forms(
            "%(raised)s raised from %(num)s donation", "%(raised)s raised from %(num)s donations"
        ),
        "deadline_passed": gettext("The deadline has passed, but every gift still helps."),
        "days": plural_forms("%(num)s day", "%(num)s days"),
        "hours": plural_forms("%(num)s hour", "%(num)s hours"),
        "minutes": plural_forms("%(num)s minute", "%(num)s minutes"),
        "time_left": gettext("%(time)s left."),
        # progress.js: milestones and people (templates/_milestones.html)
        "milestones_count": plural_forms(
            "%(reached)s of %(num)s milestone reached.",
            "%(reached)s of %(num)s milestones reached.",
        ),
        "people": plural_forms(
            "Enough to get %(num)s person out.", "Enough to get %(num)s people out."
        ),
        # overlay-alerts.js: a milestone's celebration
        "milestone_reached": gettext("Milestone reached!"),
        # match.js (templates/_match_banner.html)
        "match_result": gettext("Your %(gift)s becomes %(total)s."),
        # share.js
        "link_copied": gettext("Link copied"),
        "link_selected": gettext("Selected: copy it with your device's copy command."),
    }


# Sentences Stripe gives donors (a card's decline reason). Stored as Stripe wrote
# them; shown translated when the catalogue has them, else as they are.
PROVIDER_SENTENCES = (
    lazy_gettext("Your card was declined."),
    lazy_gettext("Your card has insufficient funds."),
    lazy_gettext("Your card has expired."),
    lazy_gettext("Your card's security code is incorrect."),
    lazy_gettext("Your card number is incorrect."),
    lazy_gettext("An error occurred while processing your card. Try again in a little bit."),
    lazy_gettext(
        "We are unable to authenticate your payment method. Please choose a different payment method and try again."
    ),
)


def provider_words(sentence: str | None) -> str | None:
    """`sentence` in the page's language if the catalogue knows it, else unchanged."""
    return get_translations().ugettext(sentence) if sentence else sentence


def number(value: int) -> str:
    """A count with the language's digit grouping: 1,234 / 1 234."""
    return format_decimal(value, locale=current_locale())


# Registered by fundraiser/templating.py, with every other template helper.
TEMPLATE_GLOBALS: dict[str, Callable[..., Any]] = {
    "html_lang": html_lang,
    "language_links": language_links,
    "language_alternates": language_alternates,
    "script_words": script_words,
    "current_language": current_language,
}
TEMPLATE_FILTERS: dict[str, Callable[..., Any]] = {
    "number": number,
    "provider_words": provider_words,
    "date_long": date_long,
    "date_short": date_short,
    "date_weekday": date_weekday,
    "datetime_utc": datetime_utc,
}
