"""The public pages as HTML: what a screen reader and a search engine get."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from fundraiser.models import Campaign
from tests.support.harness import LocalStripe
from tests.support.http import donate


def test_campaign_page_has_story_target_tiers_and_an_accessible_bar(
    client: FlaskClient, campaign: Campaign
) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "<h1>Test drive</h1>" in html
    assert "A story." in html
    assert re.search(
        r'role="progressbar"[^>]*aria-valuemin="0" aria-valuemax="5000000" aria-valuenow="0"', html
    )
    assert "£0.00 raised of £50,000" in html
    assert "from 0 donations" in html
    for amount, label in (("£4", "a pint"), ("£7", "a cocktail"), ("£20", "a round")):
        assert re.search(rf'tier-amount">{amount}</span>\s*<span class="tier-label">{label}', html)
    assert 'name="viewport" content="width=device-width' in html
    # No inline scripts: everything is a file from this site or Stripe.js.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_the_page_never_creates_an_intent_on_load(
    client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert localstripe.intent_count() == 0


def test_thanks_page_shows_confirming_until_the_webhook(
    client: FlaskClient, campaign: Campaign
) -> None:
    public_id = donate(client, amount="4").json["donation"]
    html = client.get(f"/thanks/{public_id}").get_data(as_text=True)
    assert "Confirming your donation" in html
    assert re.search(r'data-state="confirming"\s*>', html), "the confirming block is visible"
    assert "http://localhost/" in html  # the share link


def test_unknown_pages_are_friendly_404s(client: FlaskClient, campaign: Campaign) -> None:
    for path in ("/thanks/nope", "/api/donations/nope", "/nope"):
        assert client.get(path).status_code == 404
    assert client.get("/api/donations/nope").json == {"error": "No such donation."}
