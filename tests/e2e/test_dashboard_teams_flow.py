"""An organiser in real Chromium: create a team in the dashboard, copy its widget
snippet, paste it into a static HTML file opened from disk, and watch the
team's total move there when someone gives through the team's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from fundraiser.models import Campaign
from tests.support.factories import give
from tests.support.harness import ORGANISER_PASSWORD, LiveServer

OpenPage = Callable[..., Page]


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_create_a_team_copy_its_widget_and_embed_it_from_disk(
    new_page: OpenPage,
    browser: Browser,
    app: Flask,
    live_server: LiveServer,
    campaign: Campaign,
    organiser: str,
    tmp_path: Path,
) -> None:
    page = new_page("/login", width=1280)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, organiser)
    page.get_by_role("link", name="Teams", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Leeds Pride")
    page.get_by_label("Address: /t/…").fill("leeds")
    page.get_by_label("Own target (GBP, optional)").fill("500")
    page.get_by_label("Note for the team's page").fill("Millennium Square, Saturday 6pm")
    page.get_by_role("button", name="Create the team").click()
    expect(page).to_have_url(re.compile(r"/dashboard/teams/leeds$"))
    expect(page.get_by_role("status").first).to_have_text(
        "Created Leeds Pride: its page is /t/leeds."
    )

    # The live preview is the real widget, framed from this site.
    preview = page.frame_locator("iframe.widget-frame")
    expect(preview.get_by_text("Leeds Pride", exact=True)).to_be_visible()
    expect(preview.locator("[data-field=summary]")).to_have_text(
        "£0.00 raised of £500 from 0 donations"
    )

    page.get_by_role("button", name="Copy the widget").click()
    expect(page.locator(".copy-status").first).to_have_text("Copied.")
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert snippet == page.get_by_label("Live widget (paste into a web page)").input_value()
    assert snippet.startswith(f'<iframe src="{live_server.url}/embed/t/leeds"')
    assert errors == [], "no script or frame refused by the dashboard's policy"

    # A Pride group's own page, opened from disk, with the snippet pasted in.
    host = tmp_path / "leeds.html"
    host.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Leeds Pride</title>"
        f"<link rel='icon' href='data:,'></head><body><h1>Our vigil</h1>{snippet}</body></html>"
    )
    context = browser.new_context(viewport={"width": 800, "height": 600})
    visitor = context.new_page()
    visitor.goto(host.as_uri())
    widget = visitor.frame_locator("iframe")
    expect(widget.locator("[data-field=summary]")).to_have_text(
        "£0.00 raised of £500 from 0 donations"
    )
    with app.app_context():
        from fundraiser.services.teams import teams

        team_id = teams.by_slug(campaign, "leeds").id  # type: ignore[union-attr]
    give(app, app.test_client(), campaign.id, 700, team_id=team_id)
    expect(widget.locator("[data-field=summary]")).to_have_text(
        "£7.00 raised of £500 from 1 donation", timeout=8_000
    )
    context.close()

    # The dashboard's team list has moved too.
    page.get_by_role("link", name="Teams", exact=True).click()
    row = page.locator("tr[data-team=leeds]")
    expect(row.locator("[data-cell=raised]")).to_have_text("£7.00")
    expect(row.locator("[data-cell=percent]")).to_have_text("1.4%")
