"""deploy/nginx/fundraiser.conf, as shipped, in front of real gunicorn.

Debian's nginx (scripts/install-test-deps.sh installs it; where it cannot be
installed these tests are skipped and say so) runs the file with only its
addresses, certificate and paths changed (tests/support/nginx.py), in front of
gunicorn with the shipped config cut down to ONE worker with ONE thread: a
single app slot, so a slow client that reached the app would block everything.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import nginx, stripe_events
from tests.support.harness import wait_until
from tests.support.serving import Server, Visitor, gunicorn
from tests.support.stall import StallingServer

if nginx.binary() is None:
    pytest.skip(
        "nginx is not installed and could not be (scripts/install-test-deps.sh "
        "installs Debian's nginx; NGINX_PATH points elsewhere)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[nginx.Nginx, Server]]:
    work = tmp_path_factory.mktemp("nginx")
    with (
        StallingServer() as stripe,
        gunicorn(work, stripe.base, GUNICORN_THREADS="1", TRUSTED_PROXIES="1") as app,
        nginx.running(app.url.removeprefix("http://"), work / "nginx") as proxy,
    ):
        yield proxy, app


def test_the_shipped_file_passes_nginx_t(tmp_path: Path) -> None:
    main, _, _ = nginx.prepare("127.0.0.1:9", tmp_path)
    checked = nginx.check(main)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def _donation(app: Server, where: str) -> tuple[int, str, int, str, str]:
    """(id, intent id, amount, currency, status) of the newest donation matching `where`."""
    [row] = app.rows(
        "SELECT id, stripe_payment_intent_id, amount_minor, currency, status"
        f" FROM donation WHERE {where} ORDER BY id DESC LIMIT 1"
    )
    return int(row[0]), str(row[1]), int(row[2]), str(row[3]), str(row[4])


def test_a_signed_webhook_through_nginx_counts_once(stack: tuple[nginx.Nginx, Server]) -> None:
    """Stripe posts to the proxy: the body and signature arrive as signed, and the
    money counts once however often the event comes."""
    proxy, app = stack
    app.flask("fundraiser", "bench-seed", "0", "--pending", "1")
    donation_id, intent_id, amount, currency, _ = _donation(app, "status = 'pending'")
    before = json.loads(Visitor(app.url).send("/api/progress").body)
    intent = stripe_events.payment_intent(
        intent_id, amount=amount, currency=currency, donation_id=donation_id
    )
    event = stripe_events.event("payment_intent.succeeded", intent)
    _, headers = stripe_events.signed(event, app.env["STRIPE_WEBHOOK_SECRET"])
    stripe_servers = Visitor(proxy.https_url, nginx.client_context())
    forged = stripe_servers.send(
        "/stripe/webhook", event, **{"Stripe-Signature": "t=1,v1=" + "0" * 64}
    )
    assert forged.status == 400
    assert _donation(app, f"id = {donation_id}")[4] == "pending"
    for _ in range(2):
        answer = stripe_servers.send("/stripe/webhook", event, **headers)
        assert answer.status == 200, (answer.body, proxy.error_log())
    assert _donation(app, f"id = {donation_id}")[4] == "succeeded"

    def moved() -> tuple[int, int]:
        after = json.loads(Visitor(app.url).send("/api/progress").body)
        return after["raised"] - before["raised"], after["donations"] - before["donations"]

    # Each worker reads the totals' stamp at most once a second (STAMP_TTL_SECONDS).
    wait_until(lambda: moved() != (0, 0), timeout=5)
    assert moved() == (amount, 1)


def test_progress_is_proxied_and_cached(stack: tuple[nginx.Nginx, Server]) -> None:
    proxy, _ = stack
    viewer = Visitor(proxy.https_url, nginx.client_context())
    first = viewer.send("/api/progress")
    assert first.status == 200, proxy.error_log()
    assert isinstance(json.loads(first.body)["raised"], int)
    assert first.headers["X-Request-ID"]  # set by nginx, echoed by the app
    statuses = [first.headers["X-Cache-Status"]]
    statuses += [viewer.send("/api/progress").headers["X-Cache-Status"] for _ in range(5)]
    assert statuses[0] in ("MISS", "EXPIRED")
    assert "HIT" in statuses[1:]


def test_the_page_is_cached_per_language_and_gzipped(stack: tuple[nginx.Nginx, Server]) -> None:
    proxy, _ = stack
    viewer = Visitor(proxy.https_url, nginx.client_context())
    english = viewer.send("/", **{"Accept-Encoding": "gzip", "Accept-Language": "en"})
    assert english.status == 200
    assert english.headers["Content-Encoding"] == "gzip"
    assert b'lang="en"' in gzip.decompress(english.body)
    russian = viewer.send("/", **{"Accept-Encoding": "gzip", "Accept-Language": "ru-RU"})
    assert b'lang="ru"' in gzip.decompress(russian.body)
    again = [viewer.send("/", **{"Accept-Language": "en"}) for _ in range(3)]
    assert "HIT" in [answer.headers["X-Cache-Status"] for answer in again]
    assert all(b'lang="en"' in answer.body for answer in again)


class _EchoHeaders(http.server.BaseHTTPRequestHandler):
    """An upstream that answers with the request headers it was sent, as JSON."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = json.dumps(dict(self.headers)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _raw_tls_get(url: str, request: bytes) -> dict[str, str]:
    host, port = url.removeprefix("https://").split(":")
    raw = socket.create_connection((host, int(port)), timeout=10)
    with nginx.client_context().wrap_socket(raw, server_hostname="give.example.org") as tls:
        tls.sendall(request)
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])


def test_the_app_is_told_the_host_as_sent_and_the_real_client(tmp_path: Path) -> None:
    """What the shipped file forwards: the Host with its port (the origin check compares
    it with the page's Origin), the server's name when a client sent none, and the
    client's address in place of any X-Forwarded-For the client made up."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with nginx.running(f"127.0.0.1:{upstream.server_address[1]}", tmp_path) as proxy:
            port = proxy.https_url.rsplit(":", 1)[1]
            seen = _raw_tls_get(
                proxy.https_url,
                f"GET /somewhere HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "X-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n".encode(),
            )
            assert seen["Host"] == f"127.0.0.1:{port}"
            assert seen["X-Forwarded-For"] == "127.0.0.1"
            assert seen["X-Forwarded-Proto"] == "https"
            assert seen["X-Request-ID"]
            old_client = _raw_tls_get(proxy.https_url, b"GET /somewhere HTTP/1.0\r\n\r\n")
            assert old_client["Host"] == "give.example.org"
    finally:
        upstream.shutdown()
        upstream.server_close()


def test_plain_http_is_sent_to_https_and_metrics_stay_private(
    stack: tuple[nginx.Nginx, Server],
) -> None:
    proxy, _ = stack
    host, port = proxy.http_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/api/progress", headers={"Host": "give.example.org"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://give.example.org/api/progress"
    conn.close()
    metrics = Visitor(proxy.https_url, nginx.client_context()).send("/metrics")
    assert metrics.status == 404


def test_a_slow_client_holds_no_app_thread(stack: tuple[nginx.Nginx, Server]) -> None:
    proxy, _ = stack
    host, port = proxy.https_url.removeprefix("https://").split(":")
    raw = socket.create_connection((host, int(port)), timeout=30)
    slow = nginx.client_context().wrap_socket(raw, server_hostname="give.example.org")
    body = json.dumps({"id": "evt_slow", "pad": "x" * 900}).encode()
    try:
        # A webhook (the app reads it whole before anything else) trickling in.
        slow.sendall(
            b"POST /stripe/webhook HTTP/1.1\r\nHost: give.example.org\r\n"
            b"Stripe-Signature: t=1,v1=00\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        )
        for i in range(3):
            slow.sendall(body[i * 10 : (i + 1) * 10])
            # The one app thread is free: nginx holds the half-sent body, not gunicorn.
            health = Visitor(proxy.https_url, nginx.client_context()).send("/healthz")
            assert health.status == 200
            assert json.loads(health.body)["status"] == "ok"
        # The slow request was alive all along, and reaches the app whole.
        slow.sendall(body[30:])
        answer = b""
        while chunk := slow.recv(65536):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"signature" in answer
    finally:
        slow.close()


def test_only_the_upload_pages_take_large_bodies(stack: tuple[nginx.Nginx, Server]) -> None:
    proxy, _ = stack
    visitor = Visitor(proxy.https_url, nginx.client_context())
    two_mb = {"pad": "x" * (2 * 1024 * 1024)}
    # Past nginx to the app, which refuses it for its own reason (no CSRF token), not size.
    for path in ("/dashboard/updates", "/dashboard/settings/cover", "/dashboard/transfers"):
        answer = visitor.send(path, two_mb)
        assert answer.status == 400, (path, answer.status, proxy.error_log())
        assert b"reload the page" in answer.body
    # Elsewhere nginx's 64k stands, and above the upload limit too.
    assert visitor.send("/dashboard/settings", two_mb).status == 413
    assert visitor.send("/dashboard/updates", {"pad": "x" * (10 * 1024 * 1024)}).status == 413
