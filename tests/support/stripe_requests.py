"""A record of every request the Stripe SDK is asked to send, for tests of what goes out.

`record(monkeypatch)` wraps the SDK's one request method: each call is noted as
(method, path, params) and then sent for real, so localstripe still answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from stripe._stripe_service import StripeService

Sent = list[tuple[str, str, dict[str, Any]]]


def record(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Every (method, path without query, params) sent from now until the test ends."""
    calls: Sent = []
    real = StripeService._request

    def recording(self: Any, method: str, url: str, params: Any = None, *a: Any, **kw: Any) -> Any:
        calls.append((method, url.split("?")[0], dict(params or {})))
        return real(self, method, url, params, *a, **kw)

    monkeypatch.setattr(StripeService, "_request", recording)
    return calls
