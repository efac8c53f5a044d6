"""Template filters and globals."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from .money import format_money
from .services.fees import configured_cover


def register(app: Flask) -> None:
    app.add_template_filter(format_money, "money")
    app.add_template_global(configured_cover, "fee_cover")

    @app.template_filter("money_trim")
    def money_trim(minor: int, currency: str) -> str:
        return format_money(minor, currency, trim=True)

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
