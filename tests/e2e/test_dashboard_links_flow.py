"""An organiser in real Chromium: make a payday link, copy it, open its QR code,
and look at pledges and the outbox, with no script blocked by the CSP."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from tests.support.harness import ORGANISER_PASSWORD, LiveServer

OpenPage = Callable[..., Page]


def test_make_copy_and_print_a_payday_link(
    new_page: OpenPage, campaign: Campaign, organiser: str, live_server: LiveServer
) -> None:
    page = new_page("/login?next=/dashboard/links", width=1280)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_label("Email").fill(organiser)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Tracked links")).to_be_visible()

    page.get_by_label("Code (the end of the link)").fill("glasgow-vigil")
    page.get_by_label("Preset amount (GBP, optional)").fill("7")
    page.get_by_role("button", name="Create link").click()
    address = f"{live_server.url}/give/glasgow-vigil"
    expect(page.locator(".flash")).to_contain_text(f"Created {address}")
    row = page.locator("tr[data-link=glasgow-vigil]")
    expect(row.locator("input")).to_have_value(address)

    row.get_by_role("button", name="Copy link").click()
    expect(row.locator(".copy-status")).to_have_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == address

    qr = page.request.get(f"{live_server.url}/dashboard/links/glasgow-vigil/qr.svg")
    assert qr.ok and qr.headers["content-type"].startswith("image/svg+xml")
    page.goto(address)  # the link itself opens the donate form with £7 chosen
    expect(page.get_by_role("radio", name="a cocktail")).to_be_checked()

    for path, heading in (("/dashboard/pledges", "Pledges"), ("/dashboard/outbox", "Outbox")):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert problems == []
