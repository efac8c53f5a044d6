"""Receipts: queued when the webhook confirms a donation, never before, never twice."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from ...i18n import current_locale, writing_in
from ...mail import external_url, queue
from ...models import Donation
from ...money import format_money_in
from . import privacy


def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """Signal receiver: queue a receipt if the donor gave an email.

    Runs in the webhook's transaction, so the receipt is stored exactly when the
    donation counts; the key `receipt-<id>` makes a second queueing a no-op.
    Written in the language the donor's page was in.
    """
    if not donation.email:
        return
    campaign = donation.campaign
    with writing_in(donation.locale):
        amount = format_money_in(donation.amount_minor, donation.currency, current_locale())
        queue(
            key=f"receipt-{donation.id}",
            kind="receipt",
            to=donation.email,
            # Neutral: an inbox preview or a shared screen shows no cause.
            subject=gettext("Your receipt for %(amount)s", amount=amount),
            template="receipt",
            context={
                "donation": donation,
                "campaign": campaign,
                "amount": amount,
                "campaign_url": external_url("public.campaign_page"),
                "erase_url": external_url("public.forget", token=privacy.erasure_token(donation)),
            },
        )
