"""fundraiser/wiring.py: create_app connects every receiver and webhook handler itself.

Each test first disconnects what is connected (signals and the ledger are
process-wide), so it fails if create_app stopped connecting anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from blinker import Signal

from fundraiser import signals, wiring
from fundraiser.services.refunds import refunds_and_disputes
from fundraiser.services.teams import teams
from fundraiser.webhooks import ledger
from tests.support.apps import fresh_app

PACKAGE = Path(wiring.__file__).resolve().parent
_SENT = re.compile(r"signals\.(\w+)\.send\(")


def _defined() -> dict[str, Signal]:
    return {name: value for name, value in vars(signals).items() if isinstance(value, Signal)}


def _sent() -> set[str]:
    return {
        name for path in PACKAGE.rglob("*.py") for name in _SENT.findall(path.read_text("utf-8"))
    }


def _receivers(signal: Signal) -> list[object]:
    """What a send of `signal` calls, in order (through wiring's in-order dispatchers)."""
    called: list[object] = []
    for receiver in signal.receivers_for(object()):
        called.extend(receiver.receivers if isinstance(receiver, wiring.InOrder) else [receiver])
    return called


def _disconnect_all() -> None:
    for signal in _defined().values():
        for receiver in list(signal.receivers_for(object())):
            signal.disconnect(receiver)


def test_every_signal_is_sent_and_every_sent_signal_is_defined() -> None:
    sent = _sent()
    assert sent, "no `signals.<name>.send(` found: the scan itself is broken"
    assert sent == set(_defined())


def test_create_app_connects_a_receiver_to_each_signal_sent(tmp_path: Path) -> None:
    _disconnect_all()
    assert all(not _receivers(signal) for signal in _defined().values())
    fresh_app(tmp_path / "app.db")
    for name in _sent():
        assert _receivers(_defined()[name]), f"signals.{name} is sent but nobody receives it"
    for signal, receiver in wiring.RECEIVERS:
        assert receiver in _receivers(signal)


def test_team_totals_and_early_refunds_are_connected_explicitly(tmp_path: Path) -> None:
    _disconnect_all()
    fresh_app(tmp_path / "app.db")
    succeeded = _receivers(signals.donation_succeeded)
    assert teams.count_for_team in succeeded
    assert refunds_and_disputes.on_donation_succeeded in succeeded
    assert teams.deduct_for_team in _receivers(signals.donation_deducted)


def test_create_app_registers_every_webhook_handler_and_look_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger, "HANDLERS", {})
    monkeypatch.setattr(ledger, "LOOK_UPS", {})
    fresh_app(tmp_path / "app.db")
    assert ledger.HANDLERS == wiring.WEBHOOK_HANDLERS
    assert "charge.dispute.funds_withdrawn" in ledger.HANDLERS
    assert ledger.LOOK_UPS == wiring.WEBHOOK_LOOK_UPS
    assert "payment_intent.succeeded" in ledger.LOOK_UPS
    # A look-up only prepares for a handler: never for a type nothing handles.
    assert set(ledger.LOOK_UPS) <= set(wiring.WEBHOOK_HANDLERS)


def test_receivers_run_in_the_order_wiring_lists_them(tmp_path: Path) -> None:
    _disconnect_all()
    fresh_app(tmp_path / "app.db")
    for signal in _defined().values():
        listed = [receiver for s, receiver in wiring.RECEIVERS if s is signal]
        assert _receivers(signal) == listed
    calls: list[str] = []
    first, second = (
        (lambda _s, **_k: calls.append("first")),
        (lambda _s, **_k: calls.append("second")),
    )
    wiring.InOrder((first, second))(object())
    assert calls == ["first", "second"]


def test_connecting_twice_adds_nothing(tmp_path: Path) -> None:
    fresh_app(tmp_path / "one.db")
    before = {name: len(_receivers(s)) for name, s in _defined().items()}
    fresh_app(tmp_path / "two.db")
    assert {name: len(_receivers(s)) for name, s in _defined().items()} == before
