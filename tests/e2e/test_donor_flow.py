"""A donor on a phone, in real Chromium: choose, pay, see thanks and the bar move."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from tests.support.browser import complete_3ds, fill_card
from tests.support.harness import LocalStripe, campaign_totals

OpenPage = Callable[..., Page]


def donate_with(page: Page, card: str) -> None:
    fill_card(page, card)
    page.get_by_role("button", name="Donate").click()


def test_pint_with_4242_thanks_and_moves_a_second_page(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    watcher = new_page("/")
    expect(watcher.locator("[data-field=raised]")).to_have_text("£0.00")
    donor = new_page("/")
    donor.get_by_text("a pint").click()
    expect(donor.get_by_role("button", name="Donate")).to_have_text("Donate £4.00")
    donate_with(donor, "4242 4242 4242 4242")
    expect(donor.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(donor.locator("[data-field=raised]").first).to_have_text("£4.00")
    # The other open page moves without a reload, by exactly £4.00.
    expect(watcher.locator("[data-field=raised]")).to_have_text("£4.00", timeout=6_000)
    expect(watcher.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "400")
    expect(watcher.locator("[data-field=summary]")).to_have_text(
        "£4.00 raised of £50,000 from 1 donation"
    )
    assert campaign_totals(app) == (400, 1)


def test_declined_card_says_so_and_allows_a_retry(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    page = new_page("/")
    page.get_by_text("a cocktail").click()
    page.get_by_text("Add your name or a message").click()
    page.get_by_label("Your name").fill("Robin")
    donate_with(page, "4000 0000 0000 0341")
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_role("button", name="Donate")).to_be_enabled()
    assert campaign_totals(app) == (0, 0)
    # Nothing re-typed but the card: the amount and name are still there.
    expect(page.get_by_label("Your name")).to_have_value("Robin")
    donate_with(page, "4242424242424242")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("[data-field=raised]").first).to_have_text("£7.00")


def test_3d_secure_card_completes_through_the_modal(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    page = new_page("/")
    page.get_by_text("a round").click()
    donate_with(page, "4000 0027 6000 3184")
    complete_3ds(page, succeed=True)
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert campaign_totals(app) == (2000, 1)


def test_custom_amount_of_2_50(new_page: OpenPage, campaign: Campaign, app: Flask) -> None:
    page = new_page("/")
    page.get_by_text("your choice").click()
    page.get_by_label("Amount (GBP)").fill("2.50")
    expect(page.get_by_role("button", name="Donate")).to_have_text("Donate £2.50")
    donate_with(page, "4242424242424242")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("[data-field=raised]").first).to_have_text("£2.50")
    assert campaign_totals(app) == (250, 1)


def test_too_small_and_non_numeric_amounts_are_refused(
    new_page: OpenPage, campaign: Campaign, app: Flask, localstripe: LocalStripe
) -> None:
    page = new_page("/")
    donate_requests: list[str] = []
    page.on(
        "request", lambda r: donate_requests.append(r.url) if r.url.endswith("/donate") else None
    )
    page.get_by_text("your choice").click()
    fill_card(page, "4242424242424242")
    for text, message in [
        ("0.50", "The smallest gift is £1.00."),
        ("abc", "Please enter an amount in numbers, like 4 or 4.50."),
    ]:
        page.get_by_label("Amount (GBP)").fill(text)
        page.get_by_role("button", name="Donate").click()
        expect(page.get_by_role("alert")).to_have_text(message)
    assert donate_requests == []
    assert localstripe.intent_count() == 0
    assert campaign_totals(app) == (0, 0)


def test_elements_options_are_ones_stripe_js_on_endive_accepts(
    new_page: OpenPage, campaign: Campaign
) -> None:
    """The init script refuses the removed `paymentMethodTypes` as Stripe.js on endive does,
    so the page (which got its card form) must be using `allowedPaymentMethodTypes`."""
    page = new_page("/")
    expect(page.get_by_placeholder("number")).to_be_visible()
    answers = page.evaluate(
        """() => {
            const key = document.querySelector("form[data-publishable-key]").dataset.publishableKey;
            const tryOptions = (options) => {
                try { window.Stripe(key).elements(options); return "accepted"; }
                catch (err) { return String(err.message); }
            };
            return [
                tryOptions({mode: "payment", amount: 400, currency: "gbp", paymentMethodTypes: ["card"]}),
                tryOptions({mode: "payment", amount: 400, currency: "gbp", allowedPaymentMethodTypes: ["card"]}),
            ];
        }"""
    )
    assert "paymentMethodTypes is no longer supported" in answers[0]
    assert answers[1] == "accepted"
