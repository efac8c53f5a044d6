"""Two hosts in two real Chromium browsers read messages on air: each gets a different one,
oldest first; a pinned message stays on top for both until unpinned."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign
from fundraiser.services.organisers import organisers
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.livestream import message_gift

OpenPage = Callable[..., Page]


def log_in(new_page: OpenPage, email: str) -> Page:
    page = new_page("/dashboard/read", width=1280)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Read on air")).to_be_visible()
    return page


def test_two_hosts_never_read_the_same_message(
    new_page: OpenPage, campaign: Campaign, app: Flask, organiser: str
) -> None:
    for text in ("First, the oldest", "Second", "Third"):
        message_gift(app, campaign, text, name="Ada")
    with app.app_context():
        organisers.create_organiser("second-host@example.org", ORGANISER_PASSWORD)
    one = log_in(new_page, organiser)
    two = log_in(new_page, "second-host@example.org")
    expect(one.locator("[data-waiting]")).to_have_attribute("data-waiting", "3")

    one.get_by_role("button", name="Next message").click()
    two.get_by_role("button", name="Next message").click()
    mine = one.locator("[data-on-air=current]")
    theirs = two.locator("[data-on-air=current]")
    expect(mine).to_contain_text("First, the oldest")
    expect(theirs).to_contain_text("Second")
    assert mine.get_attribute("data-donation") != theirs.get_attribute("data-donation")
    # Large type, readable from across the desk.
    size = mine.locator(".on-air-message").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 32

    one.get_by_role("button", name="Pin").click()
    expect(one.locator("[data-on-air=current]")).to_contain_text("Third")
    two.reload()
    expect(two.locator("[data-on-air=pinned]")).to_contain_text("First, the oldest")

    two.get_by_role("button", name="Read", exact=True).click()
    expect(two.locator("[data-on-air=current]")).to_have_count(0)
    expect(two.get_by_role("button", name="Next message")).to_be_disabled()
    two.get_by_role("button", name="Unpin").click()
    expect(two.locator("[data-on-air=pinned]")).to_have_count(0)
    one.reload()
    expect(one.locator("[data-on-air=pinned]")).to_have_count(0)
    expect(one.locator("[data-on-air=current]")).to_contain_text("Third")
