"""Signals other areas subscribe to, so the donation core need not know them.

Receivers run inside the transaction of the change that sent them (before its
commit), so what they write is stored with that change or not at all. They
must not call Stripe or send mail directly: write to the outbox instead.
Every receiver is connected in fundraiser/wiring.py (`RECEIVERS`).
"""

from blinker import Namespace

_signals = Namespace()

# sender: the Donation, now succeeded; kwargs: event_id (str | None)
donation_succeeded = _signals.signal("donation-succeeded")
# sender: the Donation, now failed; kwargs: event_id (str | None)
donation_failed = _signals.signal("donation-failed")
# sender: the Donation whose refunds/disputes now take `change` more (negative:
# less) out of `raised`; kwargs: change (int, minor units). Per-team or other
# derived totals subscribe to follow refunds and disputes.
donation_deducted = _signals.signal("donation-deducted")
# sender: the OfflineGift just added, corrected or removed (its row already
# updated in the session). Derived figures that count offline money follow it.
offline_gift_changed = _signals.signal("offline-gift-changed")
