"""A supporter in real Chromium: pledge now, get the payday email, pay from its link."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from tests.support.browser import fill_card
from tests.support.harness import LiveServer, wait_until
from tests.support.pledges import at, cli, links, pledges, today, totals
from tests.support.smtp import SmtpSink

OpenPage = Callable[..., Page]


@pytest.fixture(autouse=True)
def _links_to_live_server(
    app: Flask, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server.url)


def test_pledge_remind_pay_and_fulfil(
    new_page: OpenPage, campaign: Campaign, app: Flask, smtp: SmtpSink, live_server: LiveServer
) -> None:
    watcher = new_page("/", width=1280)
    expect(watcher.locator("[data-field=pledged-words]")).to_be_hidden()

    page = new_page("/")
    form = page.locator("#pledge-form")
    form.get_by_text("£7", exact=True).click()
    form.get_by_label("Another date").check()
    form.get_by_label("Payday date").fill(today().isoformat())
    form.get_by_label("Your email").fill("pat@example.org")
    form.get_by_label("Email me the payday link").check()
    expect(form.get_by_role("button", name="Pledge")).to_have_text("Pledge £7.00")
    form.get_by_role("button", name="Pledge").click()
    expect(page.get_by_role("heading", name="Thank you for your pledge")).to_be_visible()
    expect(page.locator("[data-field=pledged]")).to_have_text("£7.00")

    # Every open page shows the pledge as a lighter segment, never as raised.
    expect(watcher.locator("[data-field=pledged]")).to_have_text("£7.00", timeout=6_000)
    expect(watcher.locator("[data-field=pledged-words]")).to_be_visible()
    expect(watcher.locator("[data-field=raised]")).to_have_text("£0.00")
    width = watcher.locator("[data-field=bar-pledged]").evaluate("el => el.style.width")
    assert width == "0.01%"  # £7 of £50,000
    assert totals(app) == {"raised": 0, "donations": 0, "pledged": 700}

    [confirmation] = smtp.to("pat@example.org")
    assert "email you a link to pay" in confirmation.text

    cli(app, "send-reminders", "--now", at(today()))
    reminder = smtp.to("pat@example.org")[-1]
    [pay_url] = [u for u in links(reminder.text) if "/pledge/" in u and "/cancel/" not in u]
    assert pay_url.startswith(live_server.url)

    page.goto(pay_url)
    expect(page.get_by_text("Payday is here")).to_be_visible()
    expect(page.get_by_role("button", name="Donate")).to_have_text("Donate £7.00")
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()

    assert wait_until(lambda: pledges(app)[0].status == "fulfilled", timeout=10)
    assert totals(app) == {"raised": 700, "donations": 1, "pledged": 0}
    expect(watcher.locator("[data-field=raised]")).to_have_text("£7.00", timeout=6_000)
    expect(watcher.locator("[data-field=pledged-words]")).to_be_hidden()
    with app.app_context():
        donation = db.session.scalar(sa.select(Donation))
        assert donation is not None
        assert (donation.pledge_id, donation.email) == (pledges(app)[0].id, "pat@example.org")

    # The link is used up now.
    response = page.goto(pay_url)
    assert response is not None and response.status == 410
    expect(
        page.get_by_role("heading", name="This pledge is already paid. Thank you!")
    ).to_be_visible()


def test_give_link_presets_the_form_and_labels_the_donation(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    cli(app, "create-link", "livestream", "--amount", "2.50")
    page = new_page("/give/livestream")
    expect(page.get_by_role("button", name="Donate")).to_have_text("Donate £2.50")
    expect(page.get_by_label("Amount (GBP)")).to_have_value("2.50")
    fill_card(page, "4242424242424242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert wait_until(lambda: totals(app)["raised"] == 250, timeout=10)
    with app.app_context():
        assert db.session.scalar(sa.select(Donation.source)) == "livestream"
