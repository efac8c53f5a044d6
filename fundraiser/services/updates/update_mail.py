"""Emailing an update to the supporters who asked for updates, and stopping them.

A supporter asked by ticking "email me updates about this drive" when giving
(`Donation.updates_consent_at`, unticked by default, apart from the receipt).
Each update reaches each such address once: one recipient per address (its
first consenting gift), and the outbox key `update-<update>-<donation>` makes
a second queueing a no-op. Every email carries a one-click unsubscribe
(List-Unsubscribe, RFC 8058) that stops future updates only; receipts stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext

from ...extensions import db
from ...i18n import current_language, organiser_text, writing_in
from ...mail import external_url
from ...mail.outbox import queue_many
from ...mail.render import render_email
from ...models import (
    Campaign,
    CampaignUpdate,
    Donation,
    DonationStatus,
    OutboxMessage,
    OutboxStatus,
)
from .. import tokens
from ..donations import privacy

KIND = "campaign_update"


def recipients(campaign_id: int) -> list[Donation]:
    """One donation per address that asked for updates: its first consenting gift
    that Stripe confirmed (a gift that never went through asked for nothing)."""
    first = (
        sa.select(sa.func.min(Donation.id))
        .where(
            Donation.campaign_id == campaign_id,
            Donation.status == DonationStatus.SUCCEEDED,
            Donation.updates_consent_at.is_not(None),
            Donation.email.is_not(None),
            Donation.email != privacy.ERASED_ADDRESS,
        )
        .group_by(sa.func.lower(Donation.email))
    )
    return list(db.session.scalars(sa.select(Donation).where(Donation.id.in_(first))))


def unsubscribe_url(donation: Donation) -> str:
    """Stops update emails to the donation's address. Signs the donation's public id,
    never the address, so no email address ends up in a URL."""
    token = tokens.sign(tokens.UPDATES_UNSUBSCRIBE, donation.public_id)
    return external_url("public.updates_unsubscribe", token=token)


# Stand-ins for the two links that differ per recipient: the body is rendered once per
# language and these are replaced (letters and dashes: HTML escaping leaves them be).
_UNSUBSCRIBE_SLOT, _ERASE_SLOT = "UPDATE-UNSUBSCRIBE-URL-SLOT", "UPDATE-ERASE-URL-SLOT"


def _bodies(update: CampaignUpdate, campaign: Campaign) -> tuple[str, str, str]:
    """(subject, text, html) in the current language, with the per-recipient slots."""
    text, html = render_email(
        "update",
        campaign=campaign,
        update=update,
        text=organiser_text.pick(update, "text"),
        updates_url=external_url("public.updates_page"),
        unsubscribe_url=_UNSUBSCRIBE_SLOT,
        erase_url=_ERASE_SLOT,
    )
    # Neutral, like the receipt's: an inbox preview or a shared screen shows no cause.
    return gettext("News you asked for"), text, html


def queue_for(update: CampaignUpdate, campaign: Campaign) -> int:
    """Queue the update to every recipient, each in their own page's language, in the
    caller's transaction; returns how many were queued (0 on a repeat).

    Rendered once per language, not per recipient: a thousand supporters cost one
    render and a dozen inserts, so posting stays well inside a request's time.
    """
    rendered: dict[str, tuple[str, str, str]] = {}
    messages = []
    for donation in recipients(campaign.id):
        with writing_in(donation.locale):
            language = current_language()
            if language not in rendered:
                rendered[language] = _bodies(update, campaign)
            subject, text, html = rendered[language]
            unsubscribe = unsubscribe_url(donation)
            erase = external_url("public.forget", token=privacy.erasure_token(donation))
            slots = {_UNSUBSCRIBE_SLOT: unsubscribe, _ERASE_SLOT: erase}
            messages.append(
                {
                    "key": f"update-{update.id}-{donation.id}",
                    "kind": KIND,
                    "to": donation.email or "",
                    "subject": subject,
                    "text": _fill(text, slots),
                    "html": _fill(html, slots),
                    "headers": {
                        "List-Unsubscribe": f"<{unsubscribe}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                }
            )
    return queue_many(messages)


def _fill(body: str, slots: dict[str, str]) -> str:
    for slot, url in slots.items():
        body = body.replace(slot, url)
    return body


def drop_unsent(update_id: int) -> int:
    """Mark the update's emails still queued as failed (it was removed), in the
    caller's transaction; returns how many."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind == KIND,
            OutboxMessage.status == OutboxStatus.QUEUED,
            OutboxMessage.idempotency_key.like(f"update-{update_id}-%"),
        )
        .values(status=OutboxStatus.FAILED, last_error="update removed")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def address_for(token: str) -> str:
    """The address an unsubscribe token leads to, or TokenError (TokenGone once erased)."""
    public_id = tokens.verify(tokens.UPDATES_UNSUBSCRIBE, token)
    address = db.session.scalar(sa.select(Donation.email).where(Donation.public_id == public_id))
    if not address or address == privacy.ERASED_ADDRESS:
        raise tokens.TokenGone(gettext("Your details have already been deleted."))
    return address


def unsubscribe(token: str) -> int:
    """Stop update emails to the address `token` leads to: its consent is withdrawn on
    every gift and update emails not yet sent are dropped. Receipts are untouched.
    Safe to repeat; commits. Returns the gifts whose consent was withdrawn."""
    address = address_for(token).lower()
    withdrawn = db.session.execute(
        sa.update(Donation)
        .where(sa.func.lower(Donation.email) == address, Donation.updates_consent_at.is_not(None))
        .values(updates_consent_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind == KIND,
            OutboxMessage.status == OutboxStatus.QUEUED,
            sa.func.lower(OutboxMessage.to_address) == address,
        )
        .values(status=OutboxStatus.FAILED, last_error="unsubscribed from updates")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(withdrawn or 0)
