"""An organiser in real Chromium: log in, see a donation just made, download the CSV,
refund part of it, and watch the public total drop by exactly that amount."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from tests.support.browser import fill_card
from tests.support.harness import ORGANISER_PASSWORD, campaign_totals

OpenPage = Callable[..., Page]


def test_organiser_sees_new_donation_exports_and_refunds(
    new_page: OpenPage, campaign: Campaign, app: Flask, organiser: str
) -> None:
    donor = new_page("/")
    donor.get_by_text("a cocktail").click()
    donor.get_by_text("Add your name or a message").click()
    donor.get_by_label("Your name").fill('=HYPERLINK("x")')
    donor.get_by_label("Email for a receipt").fill("donor@example.org")
    fill_card(donor, "4242 4242 4242 4242")
    donor.get_by_role("button", name="Donate").click()
    expect(donor.get_by_role("heading", name="Thank you!")).to_be_visible()

    page = new_page("/dashboard/", width=1280)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(organiser)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("[data-stat=raised]")).to_have_text("£7.00")
    expect(page.locator("[data-stat=donations]")).to_have_text("1")
    expect(page.locator("[data-stat=average]")).to_have_text("£7.00")
    # Chart.js (from npm, served by the app) drew the daily chart.
    page.wait_for_function(
        "() => window.Chart && window.Chart.getChart(document.getElementById('chart-daily'))"
    )
    assert (
        page.evaluate(
            "() => { const c = Chart.getChart(document.getElementById('chart-daily'));"
            " return c.data.datasets[3].data.at(-1); }"
        )
        == 7
    )

    page.get_by_role("link", name="Donations", exact=True).click()
    row = page.locator("tr[data-donation]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text('=HYPERLINK("x")')
    expect(row).to_contain_text("donor@example.org")
    expect(row).to_contain_text("£7.00")
    expect(row).to_contain_text("pi_")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("donations-")
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(io.StringIO(f.read(), newline="")))
    assert len(rows) == 1
    assert rows[0]["amount"] == "7.00" and rows[0]["status"] == "succeeded"
    assert rows[0]["name"] == '\'=HYPERLINK("x")'
    assert rows[0]["email"] == "donor@example.org"

    # Refund part of it; the donor's open page follows without a reload.
    row.get_by_role("link").first.click()
    page.get_by_label("Amount to refund (GBP), up to £7.00").fill("2.50")
    page.get_by_role("button", name="Refund through Stripe").click()
    # Nothing moves before the organiser confirms who, how much and why.
    expect(page.locator("[data-field=refund-amount]")).to_contain_text("Part: £2.50")
    assert campaign_totals(app) == (700, 1)
    page.get_by_role("button", name="Yes, refund £2.50").click()
    expect(page.get_by_role("status")).to_contain_text("Refunded £2.50")
    expect(page.locator("[data-field=refunded]")).to_have_text("£2.50")
    expect(donor.locator("[data-field=raised]").first).to_have_text("£4.50", timeout=8_000)
    assert campaign_totals(app) == (450, 1)

    page.get_by_role("link", name="Audit log").click()
    for action in ("Logged in", "Exported donations as CSV", "Refunded £2.50"):
        expect(page.get_by_text(action).first).to_be_visible()
