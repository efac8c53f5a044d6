"""Receipts: emailed when the webhook confirms a donation (never before, never twice),
and a page the donor can save from the thank-you page without giving an email."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from ...extensions import db
from ...i18n import current_locale, writing_in
from ...mail import external_url, queue
from ...models import Campaign, Donation, DonationDeduction, DonationStatus
from ...money import format_money_in
from .. import tokens
from . import donations, privacy


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


class ReceiptState(StrEnum):
    """What a saved receipt says about its donation."""

    CONFIRMED = "confirmed"  # the signed webhook (or reconcile) counted it
    NOT_CONFIRMED = "not_confirmed"  # created or pending: nothing is counted yet
    FAILED = "failed"
    REFUNDED = "refunded"  # all of it given back
    PART_REFUNDED = "part_refunded"


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt for the donor to keep: no email is needed, and no name unless they gave one."""

    number: str
    state: ReceiptState
    donation: Donation
    campaign: Campaign
    charged_minor: int  # the gift plus any fee cover: what the card paid
    refunded_minor: int
    name: str | None
    statement_suffix: str


def receipt_token(donation: Donation) -> str:
    """A signed link token (tokens.RECEIPT, a week) naming the donation by its public id."""
    return tokens.sign(tokens.RECEIPT, donation.public_id)


def receipt_number(donation: Donation) -> str:
    """The number a receipt shows, which an organiser finds as the donation's id."""
    return f"R-{donation.id:06d}"


def _state(donation: Donation, refunded: int) -> ReceiptState:
    if donation.status == DonationStatus.FAILED:
        return ReceiptState.FAILED
    if donation.status != DonationStatus.SUCCEEDED:
        return ReceiptState.NOT_CONFIRMED
    if refunded >= donation.charge_minor:
        return ReceiptState.REFUNDED
    return ReceiptState.PART_REFUNDED if refunded else ReceiptState.CONFIRMED


def receipt_for(token: str) -> Receipt:
    """The receipt a link token opens, or TokenError (tampered, expired, or no such gift).

    Reads only. Only a webhook-confirmed donation is CONFIRMED; refunds known
    from Stripe's events are shown as such.
    """
    public_id = tokens.verify(tokens.RECEIPT, token)
    donation = donations.by_public_id(public_id)
    if donation is None:
        raise tokens.invalid_link()
    refunded = db.session.scalar(
        sa.select(DonationDeduction.refunded_minor).where(
            DonationDeduction.donation_id == donation.id
        )
    )
    return Receipt(
        number=receipt_number(donation),
        state=_state(donation, int(refunded or 0)),
        donation=donation,
        campaign=donation.campaign,
        charged_minor=donation.charge_minor,
        refunded_minor=int(refunded or 0),
        name=donation.display_name or None,
        statement_suffix=str(current_app.config.get("STATEMENT_DESCRIPTOR_SUFFIX") or ""),
    )
