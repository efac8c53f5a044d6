"""Receipts: queued when the webhook confirms a donation, never before, never twice."""

from __future__ import annotations

from typing import Any

from ..mail import external_url, queue
from ..models import Donation
from ..money import format_money


def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """Signal receiver: queue a receipt if the donor gave an email.

    Runs in the webhook's transaction, so the receipt is stored exactly when the
    donation counts; the key `receipt-<id>` makes a second queueing a no-op.
    """
    if not donation.email:
        return
    amount = format_money(donation.amount_minor, donation.currency)
    campaign = donation.campaign
    queue(
        key=f"receipt-{donation.id}",
        kind="receipt",
        to=donation.email,
        subject=f"Thank you: your {amount} to {campaign.title}",
        template="receipt",
        context={
            "donation": donation,
            "campaign": campaign,
            "amount": amount,
            "campaign_url": external_url("public.campaign_page"),
        },
    )
