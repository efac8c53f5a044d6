"""Fixtures for integration tests that need Stripe's webhooks to go missing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask

from fundraiser.models import Campaign, Team
from tests.support.factories import make_team
from tests.support.harness import LiveServer, LocalStripe

SEND_DELAY_SECONDS = 1.5
DEAD_URL = "http://127.0.0.1:9/stripe/webhook"  # the discard port: nothing listens


@pytest.fixture
def webhook_down(live_server: LiveServer, localstripe: LocalStripe) -> Iterator[None]:
    """localstripe's webhook points nowhere (it never retries), then is restored.

    localstripe sends each event about a second after the call that caused it,
    to the URL registered at that moment: wait that out before restoring, so no
    event of this test reaches the app during the next one.
    """
    localstripe.register_webhook(DEAD_URL)
    try:
        yield
    finally:
        time.sleep(SEND_DELAY_SECONDS)
        localstripe.register_webhook(live_server.url + "/stripe/webhook")


@pytest.fixture
def glasgow(app: Flask, campaign: Campaign) -> Team:
    """A team with its own £100 target and a note (tests may define their own)."""
    return make_team(
        app, campaign.id, "Glasgow Pride", slug="glasgow", target_minor=10_000, note="George Sq"
    )


@pytest.fixture
def hull(app: Flask, campaign: Campaign) -> Team:
    """A team with no target of its own."""
    return make_team(app, campaign.id, "Hull Pride", slug="hull")
