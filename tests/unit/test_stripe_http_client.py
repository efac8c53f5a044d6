"""The Stripe client's HTTP sessions: the proxy is read from the environment once,
when the client is built, never again on each call (payments/stripe_gateway.py)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests

from fundraiser.payments.stripe_gateway import _HttpClient


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_proxy_comes_from_the_environment_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://egress.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _HttpClient("https://api.stripe.com")._proxy == {"https": "http://egress.example:3128"}
    monkeypatch.setenv("NO_PROXY", "api.stripe.com")
    assert _HttpClient("https://api.stripe.com")._proxy is None


def test_a_call_does_not_read_the_environment_again(
    loopback: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _HttpClient(loopback, timeout=(2, 2))

    def scanned(*args: object, **kwargs: object) -> dict[str, str]:
        raise AssertionError("the environment was read for a proxy on a call")

    # What a requests session that trusts the environment calls on every request.
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", scanned)
    body, status, _ = client.request("get", loopback + "/v1/ping", {})
    assert (status, body) == (200, b"{}")
    assert client._thread_local.session.trust_env is False
