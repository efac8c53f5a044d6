"""Template filters and globals."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from .i18n import current_locale
from .models import STATE_ENUMS
from .money import format_money_in
from .services.fees import configured_cover


def register(app: Flask) -> None:
    app.add_template_global(configured_cover, "fee_cover")
    # The named states (`states.DonationStatus.SUCCEEDED`), so no template repeats them.
    app.add_template_global(STATE_ENUMS, "states")

    # In the page's language: "£4.50" in English, "4,50 £" in Russian.
    @app.template_filter("money")
    def money(minor: int, currency: str) -> str:
        return format_money_in(minor, currency, current_locale())

    @app.template_filter("money_trim")
    def money_trim(minor: int, currency: str) -> str:
        return format_money_in(minor, currency, current_locale(), trim=True)

    @app.template_filter("isodate")
    def isodate(value: datetime | None) -> str:
        return value.isoformat() if value else ""

    @app.context_processor
    def stripe_settings() -> dict[str, object]:
        return {
            "stripe_js_url": app.config["STRIPE_JS_URL"],
            "stripe_publishable_key": app.config["STRIPE_PUBLISHABLE_KEY"],
            "localstripe_shim": app.config.get("LOCALSTRIPE_SHIM", False),
        }
