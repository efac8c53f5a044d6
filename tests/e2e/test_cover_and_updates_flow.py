"""In real Chromium: the cover and an update's picture load under the page's CSP with
their descriptions, and a donor who ticks "email me updates" is recorded as asking."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from tests.support.browser import fill_card
from tests.support.media import phone_photo, post_files

OpenPage = Callable[..., Page]


def test_the_cover_and_an_update_picture_load_with_their_descriptions(
    new_page: OpenPage, campaign: Campaign, logged_in: FlaskClient
) -> None:
    cover = post_files(
        logged_in, "/dashboard/settings/cover", picture=phone_photo(), alt="The van", alt_ru=""
    )
    assert cover.status_code == 302
    update = post_files(
        logged_in,
        "/dashboard/updates",
        text="Safe and sound.",
        text_ru="",
        picture=phone_photo((600, 600)),
        image_alt="Two friends at the airport",
    )
    assert update.status_code == 302
    page = new_page("/")
    image = page.get_by_role("img", name="The van")
    expect(image).to_be_visible()
    # Loaded, not blocked (the CSP allows the site's own images) nor broken.
    assert image.evaluate("img => img.complete && img.naturalWidth") == 800
    expect(page.get_by_text("Safe and sound.")).to_be_visible()
    picture = page.get_by_role("img", name="Two friends at the airport")
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    page.wait_for_function(
        "() => [...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )


def test_a_donor_who_ticks_the_box_is_recorded_as_asking_for_updates(
    new_page: OpenPage, campaign: Campaign, app: Flask
) -> None:
    page = new_page("/")
    page.get_by_text("a pint").click()
    page.get_by_label("Email for a receipt").fill("news@example.org")
    box = page.get_by_label("Email me updates about this drive")
    expect(box).not_to_be_checked()
    box.check()
    fill_card(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Donate").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    with app.app_context():
        gift = db.session.scalar(sa.select(Donation).where(Donation.email == "news@example.org"))
        assert gift is not None and gift.updates_consent_at is not None
