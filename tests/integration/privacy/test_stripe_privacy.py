"""What goes to Stripe: a neutral statement descriptor suffix, and nothing personal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from fundraiser import config
from fundraiser.models import Campaign
from tests.support import stripe_requests
from tests.support.harness import LocalStripe
from tests.support.http import donate
from tests.support.stripe_contract import violations
from tests.support.stripe_requests import Sent
from tests.support.visitor_traces import CLIENT_ADDRESS, USER_AGENT

pytestmark = pytest.mark.stripe

NAME, EMAIL, MESSAGE = "Ruslan Secretname", "ruslan.secret@example.org", "From Kazan with love"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Every (method, path, params) the SDK is asked to send, recorded then sent for real."""
    return stripe_requests.record(monkeypatch)


def _give(app: Flask) -> dict[str, Any]:
    response = donate(
        app.test_client(),
        amount="4.00",
        display_name=NAME,
        name_public=True,
        email=EMAIL,
        message=MESSAGE,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_the_suffix_is_sent_as_the_typed_parameter_and_localstripe_still_takes_it(
    app: Flask,
    campaign: Campaign,
    localstripe: LocalStripe,
    sent: Sent,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    localstripe.flush()
    monkeypatch.setitem(app.config, "STATEMENT_DESCRIPTOR_SUFFIX", "PUB NIGHT")
    assert _give(app)["client_secret"]
    [create] = [params for method, path, params in sent if path == "/v1/payment_intents"]
    assert create["statement_descriptor_suffix"] == "PUB NIGHT"
    assert [p for call in sent for p in violations(*call)] == []


def test_nothing_personal_goes_to_stripe(
    app: Flask,
    campaign: Campaign,
    localstripe: LocalStripe,
    sent: Sent,
) -> None:
    localstripe.flush()
    _give(app)
    [create] = [params for method, path, params in sent if path == "/v1/payment_intents"]
    assert "statement_descriptor_suffix" not in create  # none configured: none sent
    assert set(create["metadata"]) == {"donation_id", "campaign"}
    for key in ("description", "receipt_email", "shipping", "customer", "statement_descriptor"):
        assert key not in create
    everything = json.dumps(sent, default=str)
    for personal in (NAME, "Secretname", EMAIL, "example.org", MESSAGE, "Kazan"):
        assert personal not in everything
    # Nor the donor's address or browser (the test client visits from the marked ones).
    assert CLIENT_ADDRESS not in everything and USER_AGENT not in everything


@pytest.mark.parametrize(
    "value", ["abc", "x" * 23, "Привет мир", "bad*char", "12345", 'quo"te', "back\\slash"]
)
def test_a_suffix_against_stripes_rules_stops_the_start(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STATEMENT_DESCRIPTOR_SUFFIX", value)
    with pytest.raises(RuntimeError, match="STATEMENT_DESCRIPTOR_SUFFIX"):
        config.from_environment(str(tmp_path))


@pytest.mark.parametrize("value", ["PUB NIGHT", "Drinks 2026", "  spaced out  "])
def test_a_suffix_within_the_rules_is_kept(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STATEMENT_DESCRIPTOR_SUFFIX", value)
    assert config.from_environment(str(tmp_path))["STATEMENT_DESCRIPTOR_SUFFIX"] == value.strip()
