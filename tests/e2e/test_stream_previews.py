"""/dashboard/stream in real Chromium: each overlay's live preview loads in its frame (the
browser honours the framing headers), the backdrop switches, and Copy copies a URL."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.livestream import message_gift, overlay_token

OpenPage = Callable[..., Page]


def test_previews_load_backdrop_switches_and_copy(
    new_page: OpenPage, campaign: Campaign, app: Flask, organiser: str
) -> None:
    message_gift(app, campaign, "Seen in the preview", name="Ada")
    token = overlay_token(app, campaign)
    page = new_page("/dashboard/stream", width=1280)
    page.get_by_label("Email").fill(organiser)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Livestream")).to_be_visible()

    ticker = page.frame_locator("[data-preview=ticker] iframe")
    expect(ticker.locator(".overlay-ticker-message")).to_have_text("Seen in the preview")
    expect(
        page.frame_locator("[data-preview=bar] iframe").locator(".overlay-title")
    ).to_be_visible()
    expect(
        page.frame_locator("[data-preview=alerts] iframe").locator("[data-alert]")
    ).to_be_hidden()
    box = page.locator("[data-preview=bar]").bounding_box()
    assert box and round(box["width"]) == 480 and round(box["height"]) == 270, "a quarter size"

    def backdrop() -> str:
        return page.locator("[data-preview=bar]").evaluate(
            "e => getComputedStyle(e).backgroundImage"
        )

    dark = backdrop()
    page.get_by_label("a light video").check()
    assert backdrop() != dark
    page.get_by_label("a dark video").check()
    assert backdrop() == dark

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    card = page.locator("#overlay-ticker-card")
    card.get_by_role("button", name="Copy").first.click()
    expect(card.locator(".copy-status").first).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#overlay-ticker-en").input_value()
    assert copied.endswith(f"/overlay/{token}/ticker")
