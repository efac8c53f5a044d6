"""The one place template filters, globals and context processors are registered.

A helper a template needs goes here, whichever area defines it, so a newcomer
reading a template finds every name it may use in this file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask
from flask_login import current_user

from .dashboard.access import may_open
from .i18n import current_language, current_locale, organiser_text, page
from .models import STATE_ENUMS
from .money import format_decimal, format_money_in
from .pledges.forms import PledgeForm
from .public_urls import public_url
from .services.campaigns import cover, sharing
from .services.campaigns.risk_warning import warning_for
from .services.donations import receipts
from .services.donations.fees import configured_cover
from .services.matching import matching
from .services.media import store
from .services.milestones import milestones
from .services.updates import updates
from .widgets.routes import donations_phrase, share_version


# In the page's language: "£4.50" in English, "4,50 £" in Russian.
def money(minor: int, currency: str) -> str:
    return format_money_in(minor, currency, current_locale())


def money_trim(minor: int, currency: str) -> str:
    return format_money_in(minor, currency, current_locale(), trim=True)


def isodate(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def decimal(minor: int, currency: str) -> str:
    """450 GBP -> "4.50": an amount as a form field's value."""
    return format_decimal(minor, currency)


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "money_trim": money_trim,
    "isodate": isodate,
    "decimal": decimal,
    # `words(campaign, "title")|marked`: in a <span lang> when it is the other language.
    "marked": organiser_text.marked,
    "lang_attr": organiser_text.lang_attr,
    **page.TEMPLATE_FILTERS,
}

GLOBALS: dict[str, Any] = {
    "fee_cover": configured_cover,
    # The named states (`states.DonationStatus.SUCCEEDED`), so no template repeats them.
    "states": STATE_ENUMS,
    # Links and cards seen elsewhere: see fundraiser/public_urls.py.
    "public_url": public_url,
    "donations_phrase": donations_phrase,
    # The thank-you page's link to a receipt saved without an email (issue 16).
    "receipt_token": receipts.receipt_token,
    "share_version": share_version,
    # Plain share links (no third-party script), each tagged with its source.
    "share_links": sharing.share_links,
    "share_copy_url": sharing.copy_url,
    "share_native_url": sharing.native_url,
    # The dashboard's navigation shows a team organiser only the pages they may open.
    "may_open": may_open,
    # The warning before the card form, in the page's language (or the organiser's words).
    "risk_warning": lambda campaign: warning_for(campaign, current_language()),
    # The organiser's words in the page's language, else the other one, marked
    # (`words(campaign, "title")`): see fundraiser/i18n/organiser_text.py.
    "words": organiser_text.pick,
    # Milestones reached and the next one; the match on offer (services/milestones, matching).
    "milestone_summary": milestones.summary,
    "match_on_offer": matching.current_or_next,
    "match_of": matching.match_of,
    # Uploaded files (services/media): a stored file's URL, the cover, the newest updates.
    "media_url": store.url_of,
    "media_name": store.name_of,
    "cover_of": lambda campaign: cover.of(campaign.id),
    "recent_updates": updates.recent,
    # What the organiser wrote in one language only (the dashboard marks it).
    "words_missing": organiser_text.missing,
    **page.TEMPLATE_GLOBALS,
}


def init_app(app: Flask) -> None:
    """Register every filter, global and context processor on `app`."""
    for name, fn in FILTERS.items():
        app.add_template_filter(fn, name)
    for name, fn in GLOBALS.items():
        app.add_template_global(fn, name)

    @app.context_processor
    def shared_context() -> dict[str, object]:
        return {
            # Flask-Login's own context processor loads the user for every
            # template, reading the session and so marking every public page
            # `Vary: Cookie`; this proxy is loaded only by templates that use it.
            "current_user": current_user,
            # Lets the campaign page include the pledge form without its view knowing.
            "new_pledge_form": PledgeForm.blank,
            "stripe_js_url": app.config["STRIPE_JS_URL"],
            "stripe_publishable_key": app.config["STRIPE_PUBLISHABLE_KEY"],
            "localstripe_shim": app.config.get("LOCALSTRIPE_SHIM", False),
        }
