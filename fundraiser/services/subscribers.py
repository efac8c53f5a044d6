"""Connects this app's receivers to the donation signals (see fundraiser.signals)."""

from __future__ import annotations

from .. import signals
from .donations import receipts
from .pledges import pledges


def connect() -> None:
    """Subscribe receipts and pledge fulfilment; connecting twice is harmless."""
    signals.donation_succeeded.connect(receipts.on_donation_succeeded)
    signals.donation_succeeded.connect(pledges.on_donation_succeeded)
