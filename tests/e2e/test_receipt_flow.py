"""In real Chromium: a donor with no email saves a receipt from the thank-you page."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from tests.support.browser import fill_card

OpenPage = Callable[..., Page]


def test_the_thank_you_page_opens_a_printable_receipt(
    new_page: OpenPage, campaign: Campaign
) -> None:
    page = new_page("/")
    page.get_by_text("a pint").click()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    page.get_by_role("link", name="Save a receipt (no email needed)").click()
    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    expect(page.locator("[data-field=amount]")).to_have_text("£4.00")
    expect(page.locator("[data-field=name]")).to_have_count(0)
    # The print button appears only where printing works (here: it does).
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("[data-field=number]")).to_be_visible()
