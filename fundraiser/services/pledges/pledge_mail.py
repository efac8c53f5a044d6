"""The emails about pledges, written to the outbox. Sends nothing itself.

Each is written in the language the supporter's pledge page was in.
"""

from __future__ import annotations

from flask_babel import gettext

from ...i18n import current_locale, writing_in
from ...i18n.organiser_text import pick
from ...mail import external_url, queue
from ...models import Campaign, Pledge
from ...money import format_money_in
from .. import tokens
from ..donations import privacy

CONFIRMATION = "pledge_confirmation"
REMINDER = "pledge_reminder"


def _links(pledge: Pledge) -> dict[str, str]:
    return {
        "cancel_url": external_url(
            "pledges.cancel", token=tokens.sign(tokens.CANCEL, pledge.public_id)
        ),
        "campaign_url": external_url("public.campaign_page"),
        "erase_url": external_url("public.forget", token=privacy.erasure_token(pledge)),
    }


def unsubscribe_url(pledge: Pledge) -> str:
    """Stops reminders to the pledge's address. Signs the pledge's id, not the
    address, so no email address ends up in a URL (or a server's access log)."""
    token = tokens.sign(tokens.UNSUBSCRIBE, pledge.public_id)
    return external_url("pledges.unsubscribe", token=token)


def queue_confirmation(pledge: Pledge, campaign: Campaign) -> str:
    """Queue the "thanks for pledging" email; returns its idempotency key."""
    key = f"pledge-{pledge.id}-confirmation"
    with writing_in(pledge.locale):
        amount = format_money_in(pledge.amount_minor, pledge.currency, current_locale())
        queue(
            key=key,
            kind=CONFIRMATION,
            to=pledge.email,
            subject=gettext(
                "Your %(amount)s pledge to %(campaign)s",
                amount=amount,
                campaign=pick(campaign, "title").text,
            ),
            template="pledge_confirmation",
            context={"pledge": pledge, "campaign": campaign, "amount": amount, **_links(pledge)},
        )
    return key


def queue_reminder(pledge: Pledge, campaign: Campaign, number: int) -> bool:
    """Queue payday reminder `number` (1, or 2 for the follow-up) with its pay link.

    The key makes each reminder of each pledge at most one email, however
    often or concurrently the reminder job runs.
    """
    with writing_in(pledge.locale):
        return _queue_reminder(pledge, campaign, number)


def _queue_reminder(pledge: Pledge, campaign: Campaign, number: int) -> bool:
    amount = format_money_in(pledge.amount_minor, pledge.currency, current_locale())
    unsubscribe = unsubscribe_url(pledge)
    words = {"amount": amount, "campaign": pick(campaign, "title").text}
    subject = (
        gettext("It's payday: your %(amount)s for %(campaign)s", **words)
        if number == 1
        else gettext("Last reminder: your %(amount)s pledge for %(campaign)s", **words)
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
