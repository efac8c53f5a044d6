"""The widget at its documented minimum size shows its Donate button in every
language, and with the host script (static/js/embed-host.js) the host's iframe
grows to the height the widget asks for; messages from elsewhere are ignored.

Real Chromium; the host page is on another origin (a second HTTP server).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Frame, Page, expect

from fundraiser.dashboard.widgets import MIN_HEIGHT, MIN_WIDTH
from fundraiser.extensions import db
from fundraiser.models import Campaign
from tests.support.dashboard import make_pledge_row
from tests.support.harness import LiveServer
from tests.support.layout import log_in_organiser

LONG_EN = "Evacuate people at risk in Chechnya: every drink you buy tonight pays for a ticket"
LONG_RU = "Эвакуация людей из Чечни: каждый напиток, купленный сегодня, оплачивает билет"

HOST = """<!doctype html>
<html><head><meta charset="utf-8"><title>Pride</title><link rel="icon" href="data:,"></head>
<body><h1>Our vigil</h1>
<iframe src="{src}" title="Live total" width="{width}" height="{height}" style="border:0"></iframe>
{script}
</body></html>
"""

# Where the Donate button is, inside the frame's own viewport.
_INSIDE = """(el) => {
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
    && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
}"""


@pytest.fixture
def long_titles(app: Flask, campaign: Campaign) -> None:
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        c.title, c.title_ru = LONG_EN, LONG_RU
        db.session.commit()


@pytest.fixture
def busy(app: Flask, campaign: Campaign, long_titles: None) -> None:
    """More words under the bar (a pledge, a deadline) than the minimum frame holds."""
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        c.deadline = datetime.now(UTC) + timedelta(days=3)
        db.session.commit()
        make_pledge_row(c, 1500, date(2030, 1, 25))


def _host(
    browser: Browser, host_dir: Path, origin: str, src: str, *, script: str = ""
) -> tuple[Page, Frame]:
    (host_dir / "host.html").write_text(
        HOST.format(src=src, width=MIN_WIDTH, height=MIN_HEIGHT, script=script)
    )
    page = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(origin + "/host.html")
    frame = page.locator("iframe").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    return page, frame


@pytest.mark.parametrize("language", ["en", "ru"])
def test_at_the_documented_minimum_the_donate_button_shows(
    browser: Browser,
    live_server: LiveServer,
    busy: None,
    host_dir: Path,
    other_origin: str,
    language: str,
) -> None:
    src = f"{live_server.url}/embed/progress?lang={language}"
    page, frame = _host(browser, host_dir, other_origin, src)
    donate = frame.locator("a.embed-donate")
    expect(donate).to_have_text("Donate" if language == "en" else "Пожертвовать")
    assert donate.evaluate(_INSIDE), "the Donate button is inside the 300x240 frame"
    expect(frame.get_by_role("progressbar")).to_be_visible()
    page.context.close()


def test_the_host_script_sizes_the_frame_and_ignores_other_origins(
    browser: Browser,
    live_server: LiveServer,
    busy: None,
    host_dir: Path,
    other_origin: str,
) -> None:
    script = f'<script src="{live_server.url}/static/js/embed-host.js" async></script>'
    page, frame = _host(
        browser, host_dir, other_origin, f"{live_server.url}/embed/progress?lang=ru", script=script
    )
    iframe = page.locator("iframe")
    # The widget asked for its natural height: the frame grew, nothing is cut short.
    page.wait_for_function(
        f"() => document.querySelector('iframe').getBoundingClientRect().height > {MIN_HEIGHT}"
    )
    progress = frame.locator(".progress")
    assert progress.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    assert frame.locator("[data-field=summary]").evaluate(_INSIDE)
    assert frame.locator("a.embed-donate").evaluate(_INSIDE)
    grown = iframe.evaluate("el => el.style.height")
    # The same message from the host page's own origin (not the widget's) is ignored.
    page.evaluate("() => window.postMessage({type: 'fundraiser-widget:height', height: 900}, '*')")
    page.wait_for_timeout(300)  # a message is handled in a task: give it one
    assert iframe.evaluate("el => el.style.height") == grown
    page.context.close()


def test_the_dashboard_preview_is_the_documented_size_and_shows_donate(
    browser: Browser, live_server: LiveServer, organiser: str, long_titles: None
) -> None:
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    ).new_page()
    page.set_default_timeout(15_000)
    log_in_organiser(page, organiser)
    page.goto("/dashboard/widgets")
    preview = page.locator("iframe[data-widget-preview]").first
    size = preview.evaluate("el => [el.clientWidth, el.clientHeight]")
    assert size == [MIN_WIDTH, MIN_HEIGHT]
    frame = preview.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    assert frame.locator("a.embed-donate").evaluate(_INSIDE)
    page.context.close()
