"""The alerts overlay in real Chromium: a paid gift's webhook makes one alert; a reload
replays nothing; an overlay closed while two more gifts land plays both, once, in order."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, OverlayAlert
from fundraiser.services.livestream import overlays
from tests.support.browser import fill_card
from tests.support.harness import campaign_totals, wait_until

OpenPage = Callable[..., Page]


def alert_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OverlayAlert.id).order_by(OverlayAlert.id)))


def give(new_page: OpenPage, tier: str) -> None:
    donor = new_page("/")
    donor.get_by_text(tier).click()
    fill_card(donor, "4242 4242 4242 4242")
    donor.get_by_role("button", name="Donate").click()
    expect(donor.get_by_role("heading", name="Thank you!")).to_be_visible()


def polled_twice_more(page: Page) -> None:
    """Wait until the overlay has asked the feed twice after now (so it saw what there is)."""
    start = int(page.evaluate("Number(document.body.dataset.polls || 0)"))
    page.wait_for_function("n => Number(document.body.dataset.polls || 0) >= n", arg=start + 2)


def test_alerts_play_once_not_on_reload_and_catch_up_after_a_gap(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    with app.app_context():
        token = overlays.rotate_token(campaign.id, None)
    overlay = new_page(f"/overlay/{token}/alerts", width=1920)
    polled_twice_more(overlay)
    box = overlay.locator("[data-alert]")
    expect(box).to_be_hidden()

    give(new_page, "a pint")
    assert wait_until(lambda: campaign_totals(app) == (400, 1))
    [first] = alert_ids(app)
    expect(box).to_be_visible()
    expect(box.locator("[data-field=amount]")).to_have_text("£4.00")
    expect(box.locator("[data-field=tier]")).to_have_text("a pint")
    expect(overlay.locator("body")).to_have_attribute("data-played", str(first))

    overlay.reload()
    polled_twice_more(overlay)
    expect(box).to_be_hidden()
    assert overlay.evaluate("document.body.dataset.played || ''") == "", "a reload replays nothing"

    context = overlay.context
    overlay.close()
    give(new_page, "a cocktail")
    give(new_page, "a round")
    assert wait_until(lambda: campaign_totals(app) == (400 + 700 + 2000, 3))
    second, third = alert_ids(app)[1:]
    reopened = context.new_page()
    reopened.goto(f"/overlay/{token}/alerts")
    played = reopened.locator("body")
    expect(played).to_have_attribute("data-played", f"{second},{third}", timeout=15_000)
    polled_twice_more(reopened)
    assert reopened.evaluate("document.body.dataset.played") == f"{second},{third}"
    assert alert_ids(app) == [first, second, third]
