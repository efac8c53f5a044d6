"""Which requests the rate limiter looks at: the limited views, unless defaults exist."""

from __future__ import annotations

import pytest
from flask import request

from fundraiser import create_app
from fundraiser.security import card_testing

_LIMITED_PATHS = ("/donate", "/pledge", "/pledge/some-token/donate")
_UNLIMITED_PATHS = ("/stripe/webhook", "GET /api/progress", "GET /")


def _skipped(path: str, **config: object) -> bool:
    method, _, path = path.rpartition(" ")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", **config}
    )
    with app.test_request_context(path, method=method or "POST"):
        assert request.endpoint, path  # the path names a real view
        return card_testing.unlimited()


@pytest.mark.parametrize("path", _LIMITED_PATHS)
def test_views_that_start_payments_or_send_mail_are_limited(path: str) -> None:
    assert not _skipped(path)


@pytest.mark.parametrize("path", _UNLIMITED_PATHS)
def test_views_without_limits_skip_the_limiter(path: str) -> None:
    assert _skipped(path)


def test_default_limits_would_bring_every_view_back() -> None:
    assert not _skipped("/stripe/webhook", RATELIMIT_DEFAULT="100/minute")


def test_every_view_flask_limiter_limits_carries_the_mark() -> None:
    """A limit given with plain `limiter.limit` would be skipped by the filter: none is."""
    from flask_limiter.util import get_qualified_name

    from fundraiser.extensions import limiter

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    marked = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if get_qualified_name(view) in limiter._marked_for_limiting
    ]
    assert marked
    for endpoint in marked:
        assert getattr(app.view_functions[endpoint], card_testing._LIMITED, False), endpoint
