"""In Chromium: the bar shows the matchers' promise as its own segment after the raised
part, the next milestone and people funded, live as webhooks count gifts; the donate form
says what the chosen or typed amount becomes while the match runs."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.models.types import utcnow
from fundraiser.services.livestream import overlays
from fundraiser.services.milestones import milestones
from tests.support.donations import add_pending, success_delivery
from tests.support.harness import WEBHOOK_SECRET, LiveServer
from tests.support.matching import add_match, started, the_organiser

OpenPage = Callable[..., Page]


def deliver(live_server: LiveServer, donation: Donation) -> None:
    body, headers = success_delivery(donation, WEBHOOK_SECRET)
    request = urllib.request.Request(
        live_server.url + "/stripe/webhook", data=body, headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def segment(page: Page, field: str) -> list[str]:
    """The segment's left and width, as the page styled them."""
    return page.locator(f"[data-field={field}]").evaluate(
        "el => [el.style.left || '0%', el.style.width]"
    )


def test_bar_shows_matched_segment_and_next_milestone_live(
    new_page: OpenPage, app: Flask, campaign: Campaign, live_server: LiveServer, organiser: str
) -> None:
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        db.session.execute(sa.update(Campaign).values(target_minor=10_000))  # £100: visible widths
        db.session.commit()
        milestones.add(row, 4500, "one more person out", "ещё один человек спасён", the_organiser())
        milestones.set_cost_per_person(row, 1500, the_organiser())
    add_match(app, campaign, cap=4000, starts=utcnow(), ends=utcnow() + timedelta(hours=1))
    first, second = started(app, "20.00"), started(app, "30.00")
    deliver(live_server, first)

    page = new_page("/", width=1000)
    expect(page.locator("[data-field=raised]")).to_have_text("£20.00")
    expect(page.locator("[data-field=matched-words]")).to_have_text(
        "£20.00 more is promised by matchers."
    )
    assert segment(page, "bar") == ["0%", "20%"]
    assert segment(page, "bar-matched") == ["20%", "20%"]
    expect(page.locator("[data-field=milestone-next]")).to_have_text(
        "Next milestone: £45, one more person out."
    )
    expect(page.locator("[data-field=people]")).to_have_text("Enough to get 1 person out.")

    # The match banner: the first tier (£4) is chosen; then an amount typed.
    banner = page.locator("[data-match]")
    expect(banner).to_be_visible()
    expect(banner.locator("[data-field=match-result]")).to_have_text("Your £4.00 becomes £8.00.")
    page.locator("#donate-form label.tier", has_text="Other").click()
    page.fill("#custom-amount", "25")
    # £20 of the cap is left: £25 becomes £45.
    expect(banner.locator("[data-field=match-result]")).to_have_text("Your £25.00 becomes £45.00.")

    deliver(live_server, second)  # 50 raised, 50 of gifts: the cap (40) binds
    expect(page.locator("[data-field=raised]")).to_have_text("£50.00", timeout=8_000)
    expect(page.locator("[data-field=matched]")).to_have_text("£40.00")
    page.wait_for_function(
        "() => document.querySelector('[data-field=bar-matched]').style.left === '50%'"
    )
    assert segment(page, "bar-matched") == ["50%", "40%"]
    expect(page.locator("[data-field=milestones-count]")).to_have_text("1 of 1 milestone reached.")
    expect(page.locator("[data-field=milestone-next]")).to_be_hidden()
    expect(page.locator("[data-field=people]")).to_have_text("Enough to get 3 people out.")


def test_russian_page_words_from_the_script(
    new_page: OpenPage, app: Flask, campaign: Campaign, live_server: LiveServer, organiser: str
) -> None:
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        milestones.add(row, 100_000, "a safe house", "", the_organiser())
    add_match(app, campaign, cap=4000, starts=utcnow(), ends=utcnow() + timedelta(hours=1))
    gift = started(app, "20.00")
    page = new_page("/?lang=ru")
    expect(page.locator("[data-field=match-result]")).to_have_text(
        "Ваши 4,00 £ превратятся в 8,00 £."
    )
    deliver(live_server, gift)
    expect(page.locator("[data-field=matched-words]")).to_have_text(
        "Ещё 20,00 £ обещано спонсорами, удваивающими пожертвования.", timeout=8_000
    )
    # Only an English label: shown, and marked as English.
    label = page.locator("[data-field=milestone-label]")
    expect(label).to_have_text("a safe house")
    expect(label).to_have_attribute("lang", "en")


def test_alerts_overlay_celebrates_a_crossed_milestone_once_after_the_gift(
    new_page: OpenPage, app: Flask, campaign: Campaign, live_server: LiveServer, organiser: str
) -> None:
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        milestones.add(row, 1500, "one more person out", "", the_organiser())
        token = overlays.rotate_token(campaign.id, None)
    small = add_pending(app, campaign, amount=700, intent_id="pi_e2e_ms_1")
    crossing = add_pending(app, campaign, amount=2000, intent_id="pi_e2e_ms_2")
    overlay = new_page(f"/overlay/{token}/alerts", width=1920)
    overlay.wait_for_function("() => Number(document.body.dataset.polls || 0) >= 2")
    deliver(live_server, small)
    deliver(live_server, crossing)
    deliver(live_server, crossing)  # a redelivery: still one gift, one celebration
    box = overlay.locator("[data-alert]")
    expect(box).to_have_attribute("data-kind", "milestone", timeout=20_000)
    expect(box.locator("[data-field=tier]")).to_have_text("Milestone reached!")
    expect(box.locator("[data-field=amount]")).to_have_text("£15")
    expect(box.locator("[data-field=name]")).to_have_text("one more person out")
    body = overlay.locator("body")
    expect(body).to_have_attribute("data-celebrated", "1500")
    assert len(overlay.evaluate("document.body.dataset.played").split(",")) == 2
