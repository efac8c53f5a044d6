"""A donor switches the page to Russian in real Chromium and pays; English stays the default."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.money import format_money_in
from fundraiser.services.campaigns.risk_warning import DEFAULTS
from tests.support.browser import fill_card
from tests.support.factories import set_deadline
from tests.support.harness import LiveServer, campaign_totals

OpenPage = Callable[..., Page]


def rub(minor: int, trim: bool = False) -> str:
    """An amount of GBP as the Russian page shows it (e.g. "4,00 £" with a no-break space)."""
    return format_money_in(minor, "gbp", "ru", trim=trim)


def test_switch_to_russian_then_pay_with_4242(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    set_deadline(app, datetime.now(UTC) + timedelta(days=3, hours=5))
    page = new_page("/")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("button", name="Donate")).to_have_text("Donate £4.00")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Пожертвуйте стоимость одного напитка")).to_be_visible()
    expect(page.get_by_text("Сумма", exact=True)).to_be_visible()
    button = page.get_by_role("button", name="Пожертвовать")
    expect(button).to_have_text(f"Пожертвовать {rub(400)}")  # written by donate.js with Intl
    expect(page.locator("[data-field=fee-cover]")).to_have_text(rub(27))
    expect(page.locator("[data-countdown]")).to_have_text(
        re.compile(r"^Осталось: 3 дня (4 часа|5 часов)\.$")  # progress.js, Russian plurals
    )
    # donate.js's own refusals speak Russian too, and reach no server.
    page.get_by_text("на ваш выбор").click()
    page.get_by_label("Сумма (GBP)").fill("0,50")
    button.click()
    expect(page.get_by_role("alert")).to_have_text(f"Минимальное пожертвование — {rub(100)}.")

    # A second Russian page, left open: progress.js moves it without a reload.
    watcher = new_page("/?lang=ru")
    expect(watcher.locator("[data-field=summary]")).to_have_text(
        f"Собрано {rub(0)} из {rub(5_000_000, trim=True)} — 0 пожертвований"
    )

    page.get_by_text("a pint").click()  # the organiser's own tier label, as typed
    expect(button).to_have_text(f"Пожертвовать {rub(400)}")
    fill_card(page, "4242 4242 4242 4242")
    button.click()
    # The thank-you page follows the cookie the switch set; the scripts update it in Russian.
    expect(page.get_by_role("heading", name="Спасибо!")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("[data-field=raised]").first).to_have_text(rub(400))
    expect(page.locator("[data-field=summary]").first).to_have_text(
        f"Собрано {rub(400)} из {rub(5_000_000, trim=True)} — 1 пожертвование", timeout=6_000
    )
    expect(watcher.locator("[data-field=summary]")).to_have_text(
        f"Собрано {rub(400)} из {rub(5_000_000, trim=True)} — 1 пожертвование", timeout=6_000
    )
    expect(watcher.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", f"Собрано {rub(400)} из {rub(5_000_000, trim=True)}"
    )
    assert campaign_totals(app) == (400, 1)
    with app.app_context():
        assert db.session.scalars(sa.select(Donation.locale)).all() == ["ru"]
    # The words for the scripts sit in a data- attribute: nothing inline for the CSP to stop.
    assert problems == []

    # A new visitor with no cookie still gets English.
    other = new_page("/")
    expect(other.locator("html")).to_have_attribute("lang", "en-GB")
    expect(other.locator("[data-field=summary]")).to_have_text(
        "£4.00 raised of £50,000 from 1 donation", timeout=6_000
    )


def test_a_russian_browser_gets_russian_without_the_switch(
    browser: Browser, live_server: LiveServer, campaign: Campaign
) -> None:
    context = browser.new_context(locale="ru-RU", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.get_by_role("button", name="Пожертвовать")).to_have_text(
            f"Пожертвовать {rub(400)}"
        )
        expect(page.locator("[data-field=summary]")).to_have_text(
            f"Собрано {rub(0)} из {rub(5_000_000, trim=True)} — 0 пожертвований"
        )
    finally:
        context.close()


def test_the_russian_page_warns_before_the_card_form(
    new_page: OpenPage, campaign: Campaign
) -> None:
    """The warning is visible, and comes before the card field in the page's order."""
    page = new_page("/?lang=ru")
    warning = page.locator("[data-field=risk-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_have_text(DEFAULTS["ru"])
    card = page.locator("#payment-element")
    # DOCUMENT_POSITION_FOLLOWING (4): the card field follows the warning.
    assert warning.evaluate(
        "(w, card) => w.compareDocumentPosition(card) & 4", card.element_handle()
    )
    warning_box, card_box = warning.bounding_box(), card.bounding_box()
    assert warning_box is not None and card_box is not None
    assert warning_box["y"] + warning_box["height"] <= card_box["y"]  # shown above it, too
