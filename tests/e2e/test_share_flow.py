"""Share links in real Chromium: a donation made after following one is counted under
its source, and the pages with the new blocks fit 320/375/1280 px in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import BeneficiaryTransfer, Campaign, Donation
from tests.support.browser import fill_card
from tests.support.harness import ORGANISER_PASSWORD, campaign_totals

OpenPage = Callable[..., Page]
WIDTHS = (320, 375, 1280)


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no sideways scroll)."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


def fill_who_and_where(app: Flask) -> None:
    """Long values on purpose: a link or registration number must wrap, not widen the page."""
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        campaign.organiser_name = "Организаторы Глазго Прайд"
        campaign.organiser_contact = "a-very-long-contact-address-for-the-organisers@example.org"
        campaign.beneficiary_name = "Российская ЛГБТ-сеть"
        campaign.beneficiary_about = "Эвакуирует людей, которым грозит опасность."
        campaign.beneficiary_url = "https://lgbtnet.org/en/a/very/long/path/that/does/not/break"
        campaign.beneficiary_registration = "11178000123456789012345678901234"
        campaign.endorsement = "Мы получаем все деньги этой кампании."
        db.session.add(
            BeneficiaryTransfer(
                campaign_id=campaign.id,
                amount_minor=1_250,
                currency="gbp",
                sent_on=campaign.created_at.date(),
                reference="SWIFT-REFERENCE-0000000000000042",
            )
        )
        campaign.totals_version += 1
        db.session.commit()


def test_a_gift_after_the_whatsapp_link_is_counted_under_it(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    page = new_page("/?src=share-whatsapp")
    page.get_by_text("a pint").click()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert campaign_totals(app) == (400, 1)
    with app.app_context():
        assert db.session.scalars(sa.select(Donation.source)).all() == ["share-whatsapp"]
    # The thank-you page offers the links again, each with its own source.
    link = page.locator("a.share-link-telegram")
    expect(link).to_have_attribute("href", re.compile(r"src%3Dshare-telegram"))
    # The phone's share sheet button shows exactly where the browser has the Web Share API.
    has_share = page.evaluate("() => typeof navigator.share === 'function'")
    assert page.locator(".share-native").is_visible() == has_share


def test_copy_link_puts_the_tagged_link_on_the_page(new_page: OpenPage, campaign: Campaign) -> None:
    page = new_page("/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".share-copy .copy-status")).not_to_be_empty()
    expect(page.get_by_label("Link to share")).to_have_value(re.compile(r"\?src=share-copy$"))


def test_new_pages_fit_every_width_in_both_languages(
    new_page: OpenPage, campaign: Campaign, app: Flask, organiser: str
) -> None:
    fill_who_and_where(app)
    for width in WIDTHS:
        for lang in ("en", "ru"):
            for path in ("/", "/transparency"):
                page = new_page(f"{path}?lang={lang}", width=width)
                expect(page.locator("[data-field=money-sent], .transparency").first).to_be_visible()
                assert sideways_overflow(page) == 0, (path, lang, width)
    dash = new_page("/dashboard/", width=320)
    dash.get_by_label("Email").fill(organiser)
    dash.get_by_label("Password").fill(ORGANISER_PASSWORD)
    dash.get_by_role("button", name="Log in").click()
    for path in ("/dashboard/settings/who-and-where", "/dashboard/transfers"):
        for width in WIDTHS:
            dash.set_viewport_size({"width": width, "height": 900})
            dash.goto(path)
            expect(dash.locator("h1")).to_be_visible()
            assert sideways_overflow(dash) == 0, (path, width)
