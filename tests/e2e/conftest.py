"""Real headless Chromium against the live app and a real localstripe."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from fundraiser.payments import stripe_gateway
from tests.support import visitor_traces
from tests.support.browser import ConfirmResult, attach_stripe_shim, launch_chromium
from tests.support.harness import LiveServer, LocalStripe, free_port


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_page(
    browser: Browser, app: Flask, live_server: LiveServer, localstripe: LocalStripe
) -> Iterator[callable]:  # type: ignore[valid-type]
    """Open pages as separate donors (own cookies), each with the Stripe.js shim."""
    localstripe.flush()
    contexts = []

    def confirm(intent_id: str, card_id: str) -> ConfirmResult:
        with app.app_context():
            return stripe_gateway.emulator_confirm(intent_id, card_id)  # type: ignore[return-value]

    def open_page(path: str = "/", width: int = 375) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            base_url=live_server.url,
            user_agent=visitor_traces.USER_AGENT,
        )
        contexts.append(context)
        attach_stripe_shim(context, confirm)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def host_dir(tmp_path: Path) -> Path:
    """Where a test writes the host page that embeds the widget."""
    return tmp_path


@pytest.fixture
def other_origin(host_dir: Path) -> Iterator[str]:
    """A second web server, on `localhost` and its own port: another origin."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(host_dir))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
