"""Prometheus metrics at /metrics, for the operator only.

Served only when METRICS_TOKEN is set, and only to `Authorization: Bearer
<METRICS_TOKEN>` (404 when unset, 401 otherwise), so the public can never read
it, whatever the proxy in front does.

Under gunicorn, each worker counts in its own files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets it) and a scrape adds up every worker's. Gauges that
describe the drive (rather than one process) are read from the database when
scraped: register more with `register_gauge` (the email outbox's depth, say).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Donation, OutboxMessage, OutboxStatus
from ..services.campaigns import campaigns
from . import bp

REQUESTS = Counter(
    "fundraiser_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "fundraiser_http_request_duration_seconds",
    "Time from request to response, by endpoint.",
    ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DONATIONS = Counter(
    "fundraiser_donations_counted",
    "Donations counted (their signed webhook or reconciliation landed), by currency.",
    ["currency"],
)
MONEY = Counter(
    "fundraiser_money_counted_minor",
    "Money counted, in minor units (pence, cents), by currency.",
    ["currency"],
)
DONATIONS_FAILED = Counter(
    "fundraiser_donations_failed",
    "Donations Stripe reported failed (a declined card, say), by currency.",
    ["currency"],
)
WEBHOOK_FAILURES = Counter(
    "fundraiser_webhook_failures",
    "Stripe webhook deliveries answered with an error (4xx refused, 5xx failed), by status.",
    ["status"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_WEBHOOK_ENDPOINT = "webhooks.stripe_webhook"
_PENDING_KEY = "fundraiser_metrics_pending"
_PENDING_FAILED_KEY = "fundraiser_metrics_pending_failed"

GaugeReader = Callable[[], float | None]
_GAUGES: dict[str, tuple[str, GaugeReader]] = {}


def register_gauge(name: str, documentation: str, read: GaugeReader) -> None:
    """Report `read()` as gauge `name` at every scrape (None: not reported).

    `read` runs in the app context of the scrape and may query the database;
    it must be cheap.
    """
    _GAUGES[name] = (documentation, read)


def _raised() -> float | None:
    campaign = campaigns.current_campaign()
    return None if campaign is None else float(campaign.raised_minor)


def _count() -> float | None:
    campaign = campaigns.current_campaign()
    return None if campaign is None else float(campaign.donations_count)


register_gauge(
    "fundraiser_campaign_raised_minor",
    "The current campaign's total raised, in minor units, as stored.",
    _raised,
)
register_gauge(
    "fundraiser_campaign_donations", "The current campaign's donations counted, as stored.", _count
)


def _outbox_depth() -> float:
    waiting = sa.select(sa.func.count()).where(
        OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING))
    )
    return float(db.session.scalar(waiting) or 0)


register_gauge(
    "fundraiser_outbox_depth", "Emails waiting to be sent (queued or being sent).", _outbox_depth
)


class _DatabaseGauges(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (documentation, read) in sorted(_GAUGES.items()):
            try:
                value = read()
            except Exception:  # a scrape must not fail because one gauge did
                current_app.logger.exception("metrics gauge %s failed", name)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=value)


# Money counts when the transaction that counted it commits, never before.
def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """Hold a counted donation for the metrics until its transaction commits."""
    from ..extensions import db

    db.session.info.setdefault(_PENDING_KEY, []).append((donation.currency, donation.amount_minor))


def on_donation_failed(donation: Donation, **_: Any) -> None:
    """Hold a failed donation for the metrics until its transaction commits."""
    from ..extensions import db

    db.session.info.setdefault(_PENDING_FAILED_KEY, []).append(donation.currency)


def count_committed(session: Session) -> None:
    """After a commit: count what it counted (an SQLAlchemy `after_commit` listener)."""
    for currency, amount in session.info.pop(_PENDING_KEY, []):
        DONATIONS.labels(currency=currency).inc()
        MONEY.labels(currency=currency).inc(amount)
    for currency in session.info.pop(_PENDING_FAILED_KEY, []):
        DONATIONS_FAILED.labels(currency=currency).inc()


def drop_rolled_back(session: Session) -> None:
    """After a rollback: forget what it would have counted (`after_rollback`)."""
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_PENDING_FAILED_KEY, None)


def observe(endpoint: str | None, method: str, status: int, seconds: float | None) -> None:
    """Count one answered request (and a webhook failure, when it is one)."""
    endpoint = endpoint or "unmatched"
    method = method if method in _METHODS else "OTHER"
    REQUESTS.labels(endpoint=endpoint, method=method, status=str(status)).inc()
    if seconds is not None:
        LATENCY.labels(endpoint=endpoint).observe(seconds)
    if endpoint == _WEBHOOK_ENDPOINT and status >= 400:
        WEBHOOK_FAILURES.labels(status=str(status)).inc()


def _observe(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else None
    observe(request.endpoint, request.method, response.status_code, seconds)
    return response


def exposition() -> bytes:
    """Every metric in Prometheus text format: all workers' counters, then the gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(_DatabaseGauges())
    return generate_latest(registry) + generate_latest(gauges)


def _authorised() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    if not current_app.config.get("METRICS_TOKEN"):
        abort(404)  # not configured: as if there were no such page
    if not _authorised():
        response = jsonify(error="Metrics need the operator's bearer token.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = current_app.response_class(exposition(), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # after_request hooks run in reverse: this one runs last and sees the final status.
    app.after_request_funcs.setdefault(None, []).insert(0, _observe)
