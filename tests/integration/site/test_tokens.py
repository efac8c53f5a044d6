"""Signed link tokens: each purpose its own salt, pay links expire after 14 days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from fundraiser.models.types import utcnow
from fundraiser.services import tokens
from fundraiser.views import status_for


@pytest.fixture(autouse=True)
def _ctx(app_ctx: None) -> None:
    return None


def test_round_trip() -> None:
    token = tokens.sign(tokens.PAY, "abc")
    assert tokens.verify(tokens.PAY, token) == "abc"


def _flip_signature_start(token: str) -> str:
    head, _, signature = token.rpartition(".")
    return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize(
    "tamper",
    [
        # The signature's first character: every bit of it counts (the last
        # base64 character can differ in padding bits alone and still verify).
        _flip_signature_start,
        lambda t: "x" + t,  # payload changed
        lambda t: t.split(".")[0],  # signature cut off
        lambda t: "",
        lambda t: "not-a-token",
    ],
)
def test_tampered_is_400(tamper: Callable[[str], str]) -> None:
    token = tokens.sign(tokens.PAY, "abc")
    with pytest.raises(tokens.TokenError) as info:
        tokens.verify(tokens.PAY, tamper(token))
    assert status_for(info.value) == 400


@pytest.mark.parametrize(
    ("made_for", "used_as"),
    [
        (tokens.CANCEL, tokens.PAY),
        (tokens.PAY, tokens.CANCEL),
        (tokens.UNSUBSCRIBE, tokens.PAY),
        (tokens.PAY, tokens.UNSUBSCRIBE),
    ],
)
def test_cross_purpose_is_400(made_for: str, used_as: str) -> None:
    token = tokens.sign(made_for, "abc")
    with pytest.raises(tokens.TokenError) as info:
        tokens.verify(used_as, token)
    assert status_for(info.value) == 400


def test_pay_link_expires_after_14_days() -> None:
    fresh = tokens.sign(tokens.PAY, "abc", issued_at=utcnow() - timedelta(days=13, hours=23))
    assert tokens.verify(tokens.PAY, fresh) == "abc"
    old = tokens.sign(tokens.PAY, "abc", issued_at=utcnow() - timedelta(days=14, minutes=1))
    with pytest.raises(tokens.TokenError) as info:
        tokens.verify(tokens.PAY, old)
    assert status_for(info.value) == 410


def test_another_secret_key_is_refused(app: Flask) -> None:
    token = tokens.sign(tokens.PAY, "abc")
    saved = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another"
    try:
        with pytest.raises(tokens.TokenError):
            tokens.verify(tokens.PAY, token)
    finally:
        app.config["SECRET_KEY"] = saved
