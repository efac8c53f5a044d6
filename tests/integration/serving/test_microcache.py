"""The in-process micro-cache: fresh copies of / and /api/progress answered without Flask."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, Response, request_started
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from fundraiser import http_cache
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.ops.requestlog import JsonFormatter, access_log
from fundraiser.services.campaigns import campaigns
from tests.support.apps import fresh_app
from tests.support.donations import add_pending, success_delivery
from tests.support.harness import WEBHOOK_SECRET

PATHS = ["/api/progress", "/"]


@pytest.fixture
def clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Production's one-second stamp, on a clock the test moves."""
    now = [1000.0]
    monkeypatch.setattr(http_cache.time, "monotonic", lambda: now[0])
    monkeypatch.setattr("fundraiser.microcache.time.monotonic", lambda: now[0])
    monkeypatch.setitem(app.config, "STAMP_TTL_SECONDS", 1.0)
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)
    yield now
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)


@pytest.fixture
def flask_requests(app: Flask) -> Iterator[list[str]]:
    """The paths of requests that went through Flask."""
    seen: list[str] = []

    def record(sender: Flask, **_: object) -> None:
        from flask import request

        seen.append(request.path)

    request_started.connect(record, app)
    yield seen
    request_started.disconnect(record, app)


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize("path", PATHS)
def test_a_fresh_copy_is_answered_without_flask_and_looks_the_same(
    client: FlaskClient, clock: list[float], flask_requests: list[str], path: str
) -> None:
    first = client.get(path)
    second = client.get(path, headers={"X-Request-ID": "edge-42"})
    assert flask_requests == [path]
    assert second.data == first.data
    for name in ("Content-Type", "Content-Length", "ETag", "Cache-Control"):
        assert second.headers[name] == first.headers[name]
    assert second.headers["X-Request-ID"] == "edge-42"
    assert first.headers["X-Request-ID"] != "edge-42"


@pytest.mark.usefixtures("campaign")
def test_a_hit_is_logged_and_counted_like_any_request(
    client: FlaskClient, clock: list[float], flask_requests: list[str]
) -> None:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    access_log.addHandler(handler)
    labels = {"endpoint": "api.progress", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("fundraiser_http_requests_total", labels) or 0
    try:
        client.get("/api/progress")
        hit = client.get("/api/progress")
    finally:
        access_log.removeHandler(handler)
    assert flask_requests == ["/api/progress"]
    assert REGISTRY.get_sample_value("fundraiser_http_requests_total", labels) == before + 2
    miss_line, hit_line = (json.loads(x) for x in sink.getvalue().splitlines())
    assert hit_line["request_id"] == hit.headers["X-Request-ID"]
    assert (hit_line["endpoint"], hit_line["status"], hit_line["cache"]) == (
        "api.progress",
        200,
        "hit",
    )
    assert "cache" not in miss_line


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize("path", PATHS)
def test_a_hit_with_the_etag_is_a_bodiless_304(
    client: FlaskClient, clock: list[float], flask_requests: list[str], path: str
) -> None:
    etag = client.get(path).headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert flask_requests == [path]
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "Content-Type" not in again.headers


def test_an_expired_stamp_goes_back_to_flask_and_shows_the_new_total(
    app: Flask,
    campaign: Campaign,
    client: FlaskClient,
    clock: list[float],
    flask_requests: list[str],
) -> None:
    donation: Donation = add_pending(app, campaign, amount=700, intent_id="pi_micro_1")
    client.get("/api/progress")
    body, headers = success_delivery(donation, WEBHOOK_SECRET)
    assert client.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    assert client.get("/api/progress").json["raised"] == 0  # the copy, within its second
    clock[0] += 1.0
    fresh = client.get("/api/progress")
    assert fresh.json["raised"] == 700
    assert flask_requests == ["/api/progress", "/stripe/webhook", "/api/progress"]
    assert client.get("/api/progress").json["raised"] == 700
    assert len(flask_requests) == 3  # the new copy answers again


@pytest.mark.usefixtures("campaign")
@pytest.mark.parametrize(
    ("method", "url"), [("HEAD", "/api/progress"), ("GET", "/api/progress?x=1"), ("GET", "/x")]
)
def test_other_requests_always_reach_flask(
    client: FlaskClient, clock: list[float], flask_requests: list[str], method: str, url: str
) -> None:
    client.get("/api/progress")
    client.open(url, method=method)
    assert len(flask_requests) == 2


@pytest.mark.usefixtures("campaign")
def test_nothing_is_replayed_without_a_stamp_ttl(
    app: Flask, client: FlaskClient, flask_requests: list[str]
) -> None:
    assert not app.config["STAMP_TTL_SECONDS"]
    client.get("/api/progress")
    client.get("/api/progress")
    assert flask_requests == ["/api/progress", "/api/progress"]


@pytest.fixture
def hooked_app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app whose own after_request hook adds a header, as security headers do."""
    app = fresh_app(tmp_path / "hooked.sqlite3", STAMP_TTL_SECONDS=60.0)

    @app.after_request
    def frame_header(response: Response) -> Response:
        response.headers["X-Frame-Options"] = "DENY"
        return response

    with app.app_context():
        db.create_all()
        campaigns.create_campaign(title="Hooked", target_minor=1000)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_headers_added_by_the_apps_hooks_are_replayed(hooked_app: Flask) -> None:
    client = hooked_app.test_client()
    miss = client.get("/api/progress")
    hit = client.get("/api/progress")
    not_modified = client.get("/api/progress", headers={"If-None-Match": miss.headers["ETag"]})
    assert "microcache" in hooked_app.extensions
    assert miss.headers["X-Frame-Options"] == "DENY"
    assert hit.headers["X-Frame-Options"] == "DENY"
    assert not_modified.headers["X-Frame-Options"] == "DENY"


@pytest.mark.usefixtures("campaign")
def test_copies_and_etags_never_mix_languages(
    client: FlaskClient, clock: list[float], flask_requests: list[str]
) -> None:
    """A Russian reader never gets the English copy, from the cache or as a 304."""
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    russian = client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert flask_requests == ["/", "/"], "the English copy did not answer the Russian reader"
    assert english.headers["Content-Language"] == "en"
    assert russian.headers["Content-Language"] == "ru"
    assert russian.headers["ETag"] != english.headers["ETag"]
    revalidated = client.get(
        "/", headers={"Accept-Language": "ru", "If-None-Match": english.headers["ETag"]}
    )
    assert revalidated.status_code == 200 and revalidated.data == russian.data
    client.set_cookie("lang", "ru")  # the switch's choice beats the browser's
    chosen = client.get("/", headers={"Accept-Language": "en"})
    assert chosen.data == russian.data
    assert flask_requests == ["/", "/"], "both later answers came from the Russian copy"


@pytest.mark.usefixtures("campaign")
def test_threads_never_get_a_copy_that_does_not_match_its_etag(
    app: Flask, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gthread workers share one micro-cache: under concurrent reads while the
    total moves, every answer's body is the one its ETag names (an ETag never
    comes with two different bodies) and every answer is a whole JSON copy."""
    monkeypatch.setitem(app.config, "STAMP_TTL_SECONDS", 0.001)
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)
    seen: dict[str, set[bytes]] = {}
    problems: list[str] = []
    lock = threading.Lock()

    def poll() -> None:
        client = app.test_client()
        for _ in range(40):
            response = client.get("/api/progress")
            body = response.get_data()
            if response.status_code != 200:
                problems.append(f"status {response.status_code}")
                continue
            json.loads(body)
            with lock:
                seen.setdefault(response.headers["ETag"], set()).add(body)

    threads = [threading.Thread(target=poll) for _ in range(8)]
    for thread in threads:
        thread.start()
    with app.app_context():
        for _ in range(50):  # move the total for as long as they read
            campaigns.bump_totals(campaign.id, raised=100, donations=1)
            db.session.commit()
            if not any(thread.is_alive() for thread in threads):
                break
    for thread in threads:
        thread.join()
    for key in ("http_cache_stamp", "microcache"):
        app.extensions.pop(key, None)
    assert problems == []
    assert len(seen) >= 2  # the total moved while they read
    assert all(len(bodies) == 1 for bodies in seen.values()), seen
