"""The ticker overlay in real Chromium: transparent, 1920x1080 with no scrollbars, large
type scrolling; a message approved while it runs appears by itself."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, ModerationState
from tests.support.livestream import message_gift, overlay_token

OpenPage = Callable[..., Page]


def test_ticker_scrolls_and_picks_up_new_approvals(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    token = overlay_token(app, campaign)
    waiting = message_gift(
        app, campaign, "Держитесь, мы с вами", name="Аня", moderation=ModerationState.PENDING
    )
    ticker = new_page(f"/overlay/{token}/ticker?lang=ru", width=1920)
    ticker.set_viewport_size({"width": 1920, "height": 1080})
    band = ticker.locator("[data-ticker]")
    expect(band).to_be_hidden()
    page_size = ticker.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    assert page_size == [1920, 1080, "rgba(0, 0, 0, 0)"], "transparent, no scrollbars"

    with app.app_context():
        donation = db.session.scalar(sa.select(Donation).where(Donation.public_id == waiting))
        donation.moderation = ModerationState.APPROVED
        db.session.commit()
    expect(band).to_be_visible(timeout=15_000)
    expect(band).to_contain_text("Слова поддержки")
    item = band.locator(".overlay-ticker-item")
    expect(item.locator(".overlay-ticker-name")).to_have_text("Аня")
    expect(item.locator(".overlay-ticker-message")).to_have_text("Держитесь, мы с вами")
    assert float(item.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    track = ticker.locator("[data-track]")
    start = track.evaluate("e => new DOMMatrix(getComputedStyle(e).transform).m41")
    moved = "x => new DOMMatrix(getComputedStyle(document.querySelector('[data-track]')).transform).m41 < x - 20"
    ticker.wait_for_function(moved, arg=start)
    assert ticker.evaluate("document.documentElement.scrollWidth") == 1920
