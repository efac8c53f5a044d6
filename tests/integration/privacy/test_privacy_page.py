"""/privacy states what the running settings do, and every form links to it."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.i18n.dates import date_long
from fundraiser.models import Campaign
from fundraiser.security import db_limits
from fundraiser.services import tokens
from fundraiser.services.campaigns.risk_warning import DEFAULTS
from tests.support.factories import set_deadline


def text_of(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def test_the_page_states_the_configured_windows(
    app: Flask, client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_DEADLINE", 12)
    monkeypatch.setitem(app.config, "RETENTION_MAX_AGE_DAYS", 90)
    monkeypatch.setitem(app.config, "DECLINE_WINDOW_SECONDS", 3 * 86400)
    monkeypatch.setitem(app.config, "STATEMENT_DESCRIPTOR_SUFFIX", "PUB NIGHT")
    deadline = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
    set_deadline(app, deadline)
    page = text_of(client, "/privacy")
    assert "erased 12 days after the drive ends" in page
    with app.test_request_context():
        assert f"that is by {date_long(deadline + timedelta(days=12))}" in page
    assert "never kept longer than 90 days" in page
    assert "It is erased after 73 hours." in page  # three days' cool-down, plus the hourly job
    assert "followed by “PUB NIGHT”" in page
    assert "it works for 180 days" in page
    assert DEFAULTS["en"] in page

    monkeypatch.setitem(app.config, "STATEMENT_DESCRIPTOR_SUFFIX", "")
    set_deadline(app, None)
    page = text_of(client, "/privacy")
    assert "PUB NIGHT" not in page and "that is by" not in page


def test_the_russian_page_speaks_russian(client: FlaskClient, campaign: Campaign) -> None:
    page = text_of(client, "/privacy?lang=ru")
    assert DEFAULTS["ru"] in page
    assert "Удалить мои данные" in page


@pytest.mark.parametrize("path", ["/", "/pledge", "/?lang=ru"])
def test_every_form_links_to_the_privacy_page(
    client: FlaskClient, campaign: Campaign, path: str
) -> None:
    page = client.get(path).get_data(as_text=True)
    forms = [f for f in re.findall(r"<form\b.*?</form>", page, flags=re.S) if 'method="post"' in f]
    assert forms, "the page has its forms"
    for form in forms:
        assert 'href="/privacy"' in form, form[:200]


def test_the_page_states_the_lifetimes_of_counters_receipts_and_suppressions(
    app: Flask, client: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "RETENTION_MAX_AGE_DAYS", 90)
    monkeypatch.setattr(db_limits, "KEY_LIFETIME", 2 * 86400)
    monkeypatch.setitem(tokens.MAX_AGE, tokens.RECEIPT, timedelta(days=3))
    page = text_of(client, "/privacy")
    assert "each is erased within 49 hours" in page  # two days after the last, plus the job
    assert "The receipt link on the thank-you page works for 3 days" in page
    assert "that goes 90 days after you asked" in page
    assert "the web server in front of it logs none either" in page
    assert "Notes the organisers write about cash" in page
    russian = text_of(client, "/privacy?lang=ru")
    assert "49 часов" in russian or "через 49 час" in russian
