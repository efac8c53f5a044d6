"""/healthz, request ids and JSON request logs, and the protected /metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, OutcomeCode
from fundraiser.ops import metrics
from fundraiser.ops.requestlog import JsonFormatter, access_log
from fundraiser.services.donations import donations
from tests.support.apps import fresh_app
from tests.support.donations import add_pending, intent_of, success_delivery
from tests.support.harness import WEBHOOK_SECRET

TOKEN = "metrics-test-token"


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """Every request log line written while the test runs."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    access_log.addHandler(handler)
    yield sink
    access_log.removeHandler(handler)


def log_lines(sink: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in sink.getvalue().splitlines()]


@pytest.fixture
def with_token(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_healthz_is_ok_with_a_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_without_a_database(tmp_path: Path) -> None:
    broken = fresh_app(tmp_path / "no" / "such" / "dir.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "down"}


def test_a_sane_request_id_is_echoed_and_logged(
    client: FlaskClient, request_log: io.StringIO
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-1234.abc:9"})
    assert response.headers["X-Request-ID"] == "proxy-1234.abc:9"
    [line] = log_lines(request_log)
    assert line["request_id"] == "proxy-1234.abc:9"
    assert (line["method"], line["path"], line["endpoint"], line["status"]) == (
        "GET",
        "/healthz",
        "ops.healthz",
        200,
    )
    assert line["message"] == "request"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, 'quote"d', "new\nline"])
def test_an_insane_request_id_is_replaced(
    client: FlaskClient, request_log: io.StringIO, incoming: str
) -> None:
    headers = {"X-Request-ID": incoming} if "\n" not in incoming else {}
    response = client.get("/api/progress", headers=headers)
    generated = response.headers["X-Request-ID"]
    assert generated != incoming
    assert len(generated) == 32 and int(generated, 16) >= 0
    [line] = log_lines(request_log)
    assert line["request_id"] == generated
    assert line["status"] == 404  # no campaign: errors are logged too


def test_app_log_lines_carry_the_request_id_in_json() -> None:
    record = logging.LogRecord("fundraiser", logging.WARNING, __file__, 1, "hi %s", ("x",), None)
    data = json.loads(JsonFormatter().format(record))
    assert (data["level"], data["logger"], data["message"]) == ("WARNING", "fundraiser", "hi x")
    assert "request_id" not in data  # none outside a request


def test_metrics_are_not_served_without_a_configured_token(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.usefixtures("with_token")
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x", "Bearer ü"]
)
def test_the_public_cannot_read_metrics(client: FlaskClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert "fundraiser_" not in response.get_data(as_text=True)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.usefixtures("with_token")
def test_requests_and_latency_are_counted_by_endpoint(client: FlaskClient) -> None:
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    before = sample("fundraiser_http_requests_total", **labels)
    seen = sample("fundraiser_http_request_duration_seconds_count", endpoint="ops.healthz")
    for _ in range(3):
        client.get("/healthz")
    assert sample("fundraiser_http_requests_total", **labels) == before + 3
    after = sample("fundraiser_http_request_duration_seconds_count", endpoint="ops.healthz")
    assert after == seen + 3
    text = scrape(client)
    assert (
        'fundraiser_http_requests_total{endpoint="ops.healthz",method="GET",status="200"}' in text
    )
    assert "fundraiser_http_request_duration_seconds_bucket" in text


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> Donation:
    return add_pending(app, campaign, amount=2000, intent_id="pi_metrics_1")


@pytest.mark.usefixtures("with_token")
def test_counted_donations_and_money_and_the_stored_total(
    client: FlaskClient, pending: Donation
) -> None:
    donations_before = sample("fundraiser_donations_counted_total", currency="gbp")
    money_before = sample("fundraiser_money_counted_minor_total", currency="gbp")
    body, headers = success_delivery(pending, WEBHOOK_SECRET)
    for _ in range(2):  # the second delivery is a duplicate and counts nothing
        client.post("/stripe/webhook", data=body, headers=headers)
    assert sample("fundraiser_donations_counted_total", currency="gbp") == donations_before + 1
    assert sample("fundraiser_money_counted_minor_total", currency="gbp") == money_before + 2000
    text = scrape(client)
    assert "fundraiser_campaign_raised_minor 2000.0" in text
    assert "fundraiser_campaign_donations 1.0" in text


def test_money_counts_only_when_its_transaction_commits(app: Flask, pending: Donation) -> None:
    before = sample("fundraiser_money_counted_minor_total", currency="gbp")
    with app.app_context():
        assert (
            donations.record_success(intent_of(pending), event_id="evt_x").code
            == OutcomeCode.COUNTED
        )
        db.session.rollback()
    assert sample("fundraiser_money_counted_minor_total", currency="gbp") == before
    with app.app_context():
        assert (
            donations.record_success(intent_of(pending), event_id="evt_y").code
            == OutcomeCode.COUNTED
        )
        db.session.commit()
    assert sample("fundraiser_money_counted_minor_total", currency="gbp") == before + 2000


@pytest.mark.usefixtures("with_token")
def test_refused_webhooks_are_counted_as_failures(client: FlaskClient, pending: Donation) -> None:
    before = sample("fundraiser_webhook_failures_total", status="400")
    body, headers = success_delivery(pending, "whsec_wrong")
    assert client.post("/stripe/webhook", data=body, headers=headers).status_code == 400
    assert sample("fundraiser_webhook_failures_total", status="400") == before + 1
    assert 'fundraiser_webhook_failures_total{status="400"}' in scrape(client)


@pytest.mark.usefixtures("with_token")
def test_registered_gauges_are_read_at_scrape_and_a_broken_one_is_skipped(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> float:
        raise RuntimeError("outbox table missing")

    monkeypatch.setattr(metrics, "_GAUGES", dict(metrics._GAUGES))
    metrics.register_gauge("fundraiser_outbox_depth", "Emails waiting to be sent.", lambda: 7)
    metrics.register_gauge("fundraiser_broken", "Fails.", broken)
    text = scrape(client)
    assert "# HELP fundraiser_outbox_depth Emails waiting to be sent." in text
    assert "fundraiser_outbox_depth 7.0" in text
    assert "fundraiser_broken" not in text


@pytest.mark.usefixtures("with_token")
def test_outbox_depth_counts_mail_waiting_to_go(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    from fundraiser.models import OutboxMessage

    assert "fundraiser_outbox_depth 0.0" in scrape(client)
    with app.app_context():
        for n, status in enumerate(["queued", "queued", "sending", "sent", "failed"]):
            db.session.add(
                OutboxMessage(
                    idempotency_key=f"metrics-test-{n}",
                    kind="receipt",
                    to_address="d@example.org",
                    subject="Thank you",
                    body_text="-",
                    body_html="-",
                    status=status,
                )
            )
        db.session.commit()
    assert "fundraiser_outbox_depth 3.0" in scrape(client)  # queued and sending only


def test_a_failed_donation_counts_once_its_transaction_commits(
    app: Flask, pending: Donation
) -> None:
    # donation_failed's receiver (wired in fundraiser/wiring.py) holds it until commit.
    before = sample("fundraiser_donations_failed_total", currency="gbp")
    with app.app_context():
        assert (
            donations.record_failure(intent_of(pending), event_id="evt_f1").code
            == OutcomeCode.MARKED_FAILED
        )
        db.session.rollback()
    assert sample("fundraiser_donations_failed_total", currency="gbp") == before
    with app.app_context():
        assert (
            donations.record_failure(intent_of(pending), event_id="evt_f2").code
            == OutcomeCode.MARKED_FAILED
        )
        db.session.commit()
        # Already failed: the transition is a no-op and nothing more is counted.
        assert (
            donations.record_failure(intent_of(pending), event_id="evt_f3").code
            != OutcomeCode.MARKED_FAILED
        )
        db.session.commit()
    assert sample("fundraiser_donations_failed_total", currency="gbp") == before + 1
