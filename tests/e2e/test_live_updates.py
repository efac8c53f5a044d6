"""The live total in a real browser: polls revalidate by ETag, and a new total still lands."""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from fundraiser.models import Campaign, Donation
from fundraiser.ops.requestlog import access_log
from tests.support.donations import add_pending, success_delivery
from tests.support.harness import WEBHOOK_SECRET, LiveServer, wait_until

OpenPage = Callable[..., Page]


def deliver(live_server: LiveServer, donation: Donation) -> None:
    body, headers = success_delivery(donation, WEBHOOK_SECRET)
    request = urllib.request.Request(
        live_server.url + "/stripe/webhook", data=body, headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_unchanged_polls_are_304s_and_a_counted_gift_still_shows(
    new_page: OpenPage,
    campaign: Campaign,
    app: Flask,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    # As in production: each process reuses the campaign's stamp for a second.
    monkeypatch.setitem(app.config, "STAMP_TTL_SECONDS", 1.0)
    app.extensions.pop("http_cache_stamp", None)
    donation = add_pending(app, campaign, amount=2000, intent_id="pi_live_1")
    progress_statuses: list[int] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            fields = getattr(record, "fields", {})
            if fields.get("path") == "/api/progress":
                progress_statuses.append(fields["status"])

    recorder = Recorder()
    access_log.addHandler(recorder)
    request.addfinalizer(lambda: access_log.removeHandler(recorder))
    watcher = new_page("/")
    expect(watcher.locator("[data-field=raised]")).to_have_text("£0.00")
    # The browser revalidates each poll with its ETag: unchanged means 304, no body.
    assert wait_until(lambda: 304 in progress_statuses, timeout=10)
    deliver(live_server, donation)
    expect(watcher.locator("[data-field=raised]")).to_have_text("£20.00", timeout=8_000)
    first_304 = progress_statuses.index(304)
    assert 200 in progress_statuses[first_304:]  # the new total came as a full answer
    expect(watcher.locator("[data-field=summary]")).to_have_text(
        "£20.00 raised of £50,000 from 1 donation"
    )
    app.extensions.pop("http_cache_stamp", None)
