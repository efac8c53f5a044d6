"""The emails about pledges, written to the outbox. Sends nothing itself."""

from __future__ import annotations

from ..mail import external_url, queue
from ..models import Campaign, Pledge
from ..money import format_money
from . import tokens

CONFIRMATION = "pledge_confirmation"
REMINDER = "pledge_reminder"


def _links(pledge: Pledge) -> dict[str, str]:
    return {
        "cancel_url": external_url(
            "pledges.cancel", token=tokens.sign(tokens.CANCEL, pledge.public_id)
        ),
        "campaign_url": external_url("public.campaign_page"),
    }


def unsubscribe_url(pledge: Pledge) -> str:
    """Stops reminders to the pledge's address. Signs the pledge's id, not the
    address, so no email address ends up in a URL (or a server's access log)."""
    token = tokens.sign(tokens.UNSUBSCRIBE, pledge.public_id)
    return external_url("pledges.unsubscribe", token=token)


def queue_confirmation(pledge: Pledge, campaign: Campaign) -> str:
    """Queue the "thanks for pledging" email; returns its idempotency key."""
    key = f"pledge-{pledge.id}-confirmation"
    amount = format_money(pledge.amount_minor, pledge.currency)
    queue(
        key=key,
        kind=CONFIRMATION,
        to=pledge.email,
        subject=f"Your {amount} pledge to {campaign.title}",
        template="pledge_confirmation",
        context={"pledge": pledge, "campaign": campaign, "amount": amount, **_links(pledge)},
    )
    return key


def queue_reminder(pledge: Pledge, campaign: Campaign, number: int) -> bool:
    """Queue payday reminder `number` (1, or 2 for the follow-up) with its pay link.

    The key makes each reminder of each pledge at most one email, however
    often or concurrently the reminder job runs.
    """
    amount = format_money(pledge.amount_minor, pledge.currency)
    unsubscribe = unsubscribe_url(pledge)
    subject = (
        f"It's payday: your {amount} for {campaign.title}"
        if number == 1
        else f"Last reminder: your {amount} pledge for {campaign.title}"
    )
    return queue(
        key=f"pledge-{pledge.id}-reminder-{number}",
        kind=REMINDER,
        to=pledge.email,
        subject=subject,
        template="pledge_reminder",
        context={
            "pledge": pledge,
            "campaign": campaign,
            "amount": amount,
            "follow_up": number > 1,
            "pay_url": external_url("pledges.pay", token=tokens.sign(tokens.PAY, pledge.public_id)),
            "pay_days": tokens.MAX_AGE[tokens.PAY].days,
            "unsubscribe_url": unsubscribe,
            **_links(pledge),
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
