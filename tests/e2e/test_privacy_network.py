"""In real Chromium, with the CSP on: a donation talks to this site and Stripe, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from fundraiser.models import Campaign
from tests.support.browser import fill_card
from tests.support.harness import LiveServer, LocalStripe, campaign_totals

OpenPage = Callable[..., Page]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_a_donation_contacts_only_this_site_and_stripe_and_breaks_no_csp(
    new_page: OpenPage,
    campaign: Campaign,
    app: Flask,
    live_server: LiveServer,
    localstripe: LocalStripe,
) -> None:
    page = new_page("about:blank")
    requested: list[str] = []
    complaints: list[str] = []
    page.context.on(
        "request", lambda r: requested.append(r.url) if isinstance(r, Request) else None
    )

    def console(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            complaints.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: complaints.append(str(exc)))

    page.goto(live_server.url + "/")
    page.get_by_text("a pint").click()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator("[data-field=raised]").first).to_have_text("£4.00")
    assert campaign_totals(app) == (400, 1)

    origins = {origin(url) for url in requested if url.startswith("http")}
    # The only outside origin is Stripe's (localstripe stands in for it here).
    assert origins == {live_server.url, localstripe.base}, origins
    assert not [text for text in complaints if "Content Security Policy" in text], complaints
    # The policy was on throughout (an app without it would pass the checks above).
    csp = page.context.request.get(live_server.url + "/").headers["content-security-policy"]
    assert "script-src 'self' " + localstripe.base in csp
