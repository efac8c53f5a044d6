"""The Stripe client's HTTP sessions: the proxy is read from the environment once,
when the client is built, never again on each call (payments/stripe_gateway.py)."""

from __future__ import annotations

import pytest
import requests

from fundraiser.payments.stripe_gateway import _HttpClient
from tests.support.harness import LocalStripe


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
    localstripe: LocalStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _HttpClient(localstripe.base, timeout=(2, 2))

    def scanned(*args: object, **kwargs: object) -> dict[str, str]:
        raise AssertionError("the environment was read for a proxy on a call")

    # What a requests session that trusts the environment calls on every request.
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", scanned)
    _, status, _ = client.request("get", localstripe.base + "/js.stripe.com/v3/", {})
    assert status == 200
    assert client._thread_local.session.trust_env is False
