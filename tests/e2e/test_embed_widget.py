"""The widget in an <iframe> on someone else's site, in real Chromium.

The host page is served by a second HTTP server on another host name and port
(another origin), or opened from disk (file://), as a Pride group's site would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, expect

from fundraiser.models import Campaign, Team
from tests.support.factories import give, make_team
from tests.support.harness import LiveServer

HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Hull Pride</title><link rel="icon" href="data:,"></head>
<body><h1>Hull Pride: our vigil</h1>
<iframe src="{src}" title="Live total" width="320" height="240" style="border:0"></iframe>
</body></html>
"""


@pytest.fixture
def hull(app: Flask, campaign: Campaign) -> Team:
    return make_team(app, campaign.id, "Hull Pride", slug="hull", target_minor=50_000)


def open_host(browser: Browser, url: str) -> tuple[Page, list[str], list[str]]:
    """The host page, the URLs it and its frames requested, and console errors
    (a refused frame, script or style under the widget's CSP would show there)."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # the iframe's requests too
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, requests, errors


def assert_only(requests: list[str], *origins: str) -> None:
    outside = [u for u in requests if not u.startswith(tuple(o + "/" for o in origins))]
    assert outside == [], f"requests outside the app and the host page: {outside}"


def test_widget_on_another_origin_updates_and_opens_the_campaign(
    browser: Browser,
    app: Flask,
    live_server: LiveServer,
    campaign: Campaign,
    host_dir: Path,
    other_origin: str,
) -> None:
    (host_dir / "host.html").write_text(HOST_PAGE.format(src=live_server.url + "/embed/progress"))
    page, requests, errors = open_host(browser, other_origin + "/host.html")
    widget = page.frame_locator("iframe")
    expect(widget.locator("[data-field=raised]")).to_have_text("£0.00")
    expect(widget.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    # A gift lands: the framed bar moves without a reload, by polling the app.
    give(app, app.test_client(), campaign.id, 700)
    expect(widget.locator("[data-field=raised]")).to_have_text("£7.00", timeout=8_000)
    expect(widget.locator("[data-field=summary]")).to_have_text(
        "£7.00 raised of £50,000 from 1 donation"
    )
    assert any(u == live_server.url + "/api/progress" for u in requests)
    assert_only(requests, other_origin, live_server.url)
    assert errors == []
    assert page.context.cookies() == [], "the widget sets no cookie"
    # The donate button opens the campaign in a new tab, with no handle on the host page.
    with page.context.expect_page() as opened:
        widget.get_by_role("link", name="Donate").click()
    campaign_tab = opened.value
    campaign_tab.wait_for_load_state()
    assert campaign_tab.url == live_server.url + "/"
    assert campaign_tab.evaluate("window.opener") is None
    expect(campaign_tab.get_by_role("heading", name="Test drive")).to_be_visible()
    page.context.close()


def test_team_widget_in_a_page_opened_from_disk(
    browser: Browser,
    app: Flask,
    client: FlaskClient,
    live_server: LiveServer,
    campaign: Campaign,
    hull: Team,
    host_dir: Path,
) -> None:
    host = host_dir / "hull.html"
    host.write_text(HOST_PAGE.format(src=live_server.url + "/embed/t/hull"))
    give(app, client, campaign.id, 2000, team_id=hull.id)
    page, requests, errors = open_host(browser, host.as_uri())
    widget = page.frame_locator("iframe")
    expect(widget.get_by_text("Hull Pride", exact=True)).to_be_visible()
    expect(widget.locator("[data-field=raised]")).to_have_text("£20.00")
    give(app, client, campaign.id, 400, team_id=hull.id)
    give(app, client, campaign.id, 5000)  # not Hull's: its widget must not count it
    expect(widget.locator("[data-field=summary]")).to_have_text(
        "£24.00 raised of £500 from 2 donations", timeout=8_000
    )
    expect(widget.get_by_role("link", name="Donate")).to_have_attribute(
        "href", live_server.url + "/t/hull"
    )
    # 4.8% of the way: the bar is drawn (its width set by script under the CSP).
    bar = widget.locator("[data-field=bar]")
    assert 0 < bar.evaluate("el => el.getBoundingClientRect().width") < 50
    assert_only([u for u in requests if not u.startswith("file://")], live_server.url)
    assert errors == []
    assert page.context.cookies() == []
    page.context.close()
