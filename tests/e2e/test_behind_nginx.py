"""A donor in real Chromium through the shipped nginx, over HTTPS, to real gunicorn.

Every other browser test talks to the app over plain HTTP. Here the request goes
the way it does in a deployment (docs/deploy.md): TLS and HTTP/2 at nginx, the
forwarded headers, TRUSTED_PROXIES=1, Secure cookies, and the HTTPS check that
a post's Origin (or Referer) is this very host (fundraiser/security/origins.py).
A proxy that changed the Host it forwards (nginx's `$host` drops a port that is
not 443) fails every form and every donation here, with "Your session expired".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from fundraiser.models import Campaign
from fundraiser.payments import stripe_gateway
from tests.support import nginx, servers, visitor_traces
from tests.support.browser import ConfirmResult, attach_stripe_shim, fill_card
from tests.support.harness import LiveServer, LocalStripe, campaign_totals, free_port

if nginx.binary() is None:
    pytest.skip(
        "nginx is not installed and could not be (scripts/install-test-deps.sh "
        "installs Debian's nginx; NGINX_PATH points elsewhere)",
        allow_module_level=True,
    )


@pytest.fixture
def through_nginx(
    app: Flask,
    localstripe: LocalStripe,
    live_server: LiveServer,
    campaign: Campaign,  # before nginx can cache a page without it
    tmp_path: Path,
) -> Iterator[str]:
    """The https address of nginx in front of gunicorn in production, as deployed."""
    port = free_port()
    with (
        nginx.running(f"127.0.0.1:{port}", tmp_path / "nginx") as proxy,
        servers.gunicorn(
            app,
            localstripe,
            workers=1,
            port=port,
            PUBLIC_BASE_URL=proxy.https_url,
            TRUSTED_PROXIES="1",
            SESSION_COOKIE_SECURE="1",
        ) as (direct, _env),
    ):
        # Stripe's events reach this gunicorn (localstripe cannot check the
        # test's self-signed certificate); the session's live server gets them back after.
        localstripe.register_webhook(direct + "/stripe/webhook")
        try:
            yield proxy.https_url
        finally:
            localstripe.register_webhook(live_server.url + "/stripe/webhook")


@pytest.fixture
def donor_page(browser: Browser, app: Flask, through_nginx: str) -> Iterator[Page]:
    def confirm(intent_id: str, card_id: str) -> ConfirmResult:
        with app.app_context():
            return stripe_gateway.emulator_confirm(intent_id, card_id)  # type: ignore[return-value]

    context = browser.new_context(
        viewport={"width": 375, "height": 900},
        base_url=through_nginx,
        ignore_https_errors=True,  # the test's self-signed certificate
        user_agent=visitor_traces.USER_AGENT,
    )
    attach_stripe_shim(context, confirm)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_donation_through_nginx_thanks_the_donor_and_counts(
    donor_page: Page, campaign: Campaign, app: Flask, through_nginx: str
) -> None:
    answers: list[tuple[str, int]] = []
    donor_page.on(
        "response",
        lambda r: answers.append((r.url, r.status)) if r.url.endswith("/donate") else None,
    )
    donor_page.goto("/")
    donor_page.get_by_text("a pint").click()
    fill_card(donor_page, "4242 4242 4242 4242")
    donor_page.get_by_role("button", name="Donate").click()
    expect(donor_page.get_by_role("heading", name="Thank you!")).to_be_visible()
    [(url, status)] = answers
    assert (url, status < 300) == (through_nginx + "/donate", True)
    assert campaign_totals(app) == (400, 1)
    # The session cookie crossed TLS marked Secure, as a deployment's must.
    cookies = {c["name"]: c for c in donor_page.context.cookies()}
    assert cookies["session"]["secure"] is True
    # The bar through nginx's micro-cache shows the gift within its few seconds.
    donor_page.goto("/")
    expect(donor_page.locator("[data-field=raised]").first).to_have_text("£4.00", timeout=8_000)


def test_a_pledge_form_through_nginx_is_taken(donor_page: Page, campaign: Campaign) -> None:
    """A plain form post (no fetch): the same origin check, the same answer."""
    donor_page.goto("/")
    form = donor_page.locator("#pledge-form")
    form.get_by_text("£7", exact=True).click()
    form.get_by_label("Your email").fill("pat@example.org")
    form.get_by_role("button", name="Pledge").click()
    expect(donor_page.get_by_role("heading", name="Thank you for your pledge")).to_be_visible()
