"""A donor on a city's team page, in real Chromium: covers the fees, pays, and
the team's bar and the shared bar both move by the gift."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Team
from tests.support.browser import fill_card
from tests.support.factories import make_team
from tests.support.harness import LocalStripe, campaign_totals

OpenPage = Callable[..., Page]


def test_covered_gift_on_a_team_page_moves_team_and_campaign(
    new_page: OpenPage, campaign: Campaign, app: Flask, localstripe: LocalStripe
) -> None:
    make_team(app, campaign.id, "Glasgow Pride", slug="glasgow", target_minor=200_000)
    watcher = new_page("/t/glasgow", width=1280)
    team_bar = watcher.locator("section[aria-labelledby=team-progress-heading]")
    expect(team_bar.locator("[data-field=raised]")).to_have_text("£0.00")

    donor = new_page("/t/glasgow")
    expect(donor.get_by_role("heading", name="Glasgow Pride", exact=True)).to_be_visible()
    cover = donor.get_by_label("so the Network gets the full")
    expect(cover).not_to_be_checked()
    # The figure follows the amount, worked out in the page exactly as the server does.
    donor.get_by_text("your choice").click()
    donor.get_by_label("Amount (GBP)").fill("2.50")
    expect(donor.locator("label[for=cover_fees]")).to_have_text(
        "Add £0.25 so the Network gets the full £2.50"
    )
    donor.get_by_text("a pint").click()
    expect(donor.locator("label[for=cover_fees]")).to_have_text(
        "Add £0.27 so the Network gets the full £4"
    )
    expect(donor.get_by_role("button", name="Donate")).to_have_text("Donate £4.00")
    cover.check()
    expect(donor.get_by_role("button", name="Donate")).to_have_text("Donate £4.27")
    fill_card(donor, "4242424242424242")
    donor.get_by_role("button", name="Donate").click()
    expect(donor.get_by_role("heading", name="Thank you!")).to_be_visible()

    # The watcher's page moves without a reload: the team's bar and the shared one.
    expect(team_bar.locator("[data-field=summary]")).to_have_text(
        "£4.00 raised of £2,000 from 1 donation", timeout=8_000
    )
    expect(watcher.locator("[data-field=raised]").first).to_have_text("£4.00")
    watcher.reload()  # the leaderboard is drawn with the page, not polled
    expect(watcher.get_by_role("row", name="Glasgow Pride")).to_contain_text("£4.00")
    assert campaign_totals(app) == (400, 1)
    with app.app_context():
        row = db.session.scalars(sa.select(Donation)).one()
        team = db.session.scalars(sa.select(Team)).one()
        assert (row.amount_minor, row.fee_cover_minor, row.team_id) == (400, 27, team.id)
        assert (team.raised_minor, team.donations_count) == (400, 1)
        intent_id = row.stripe_payment_intent_id
    intent = localstripe.client().v1.payment_intents.retrieve(intent_id)
    assert (intent["amount"], intent["status"]) == (427, "succeeded")
