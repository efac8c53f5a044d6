"""Pledges: "can't give today? pledge now, give on payday".

States: pledged -> fulfilled | cancelled | lapsed; lapsed -> fulfilled | cancelled.
Each change is a compare-and-set UPDATE (a no-op when the row has moved on),
and `Campaign.pledged_minor` moves in the same transaction, only when a pledge
leaves `pledged`, so nothing is counted twice. Paying a pledge is an ordinary
donation carrying `pledge_id`; the webhook's `donation_succeeded` signal marks
the pledge fulfilled. Nothing here moves money.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, lazy_gettext

from ... import mail
from ...errors import UserError
from ...extensions import db
from ...i18n.dates import date_long, date_short
from ...models import Campaign, Donation, Pledge, PledgeStatus
from ...models.types import utcnow
from ...text import email_key
from .. import state, tokens
from ..campaigns.campaigns import bump_totals
from . import pledge_mail

PLEDGED, FULFILLED = PledgeStatus.PLEDGED, PledgeStatus.FULFILLED
CANCELLED, LAPSED = PledgeStatus.CANCELLED, PledgeStatus.LAPSED
ALLOWED_SOURCES: dict[str, frozenset[str]] = {
    FULFILLED: frozenset({PLEDGED, LAPSED}),
    CANCELLED: frozenset({PLEDGED, LAPSED}),
    LAPSED: frozenset({PLEDGED}),
}
# Reminders go out on the morning of payday (UTC), not at midnight.
REMINDER_HOUR_UTC = 8


class PledgeError(UserError, ValueError):
    """A pledge that cannot be made; the message is for the donor."""


# A quick payday choice's words, by which paydays that date is.
_PAYDAY_LABELS = {
    ("friday",): lazy_gettext("This Friday (%(date)s)"),
    ("today",): lazy_gettext("Today, Friday (%(date)s)"),
    ("month_end",): lazy_gettext("The last working day of the month (%(date)s)"),
    ("friday", "month_end"): lazy_gettext(
        "This Friday and the last working day of the month (%(date)s)"
    ),
    ("today", "month_end"): lazy_gettext(
        "Today, Friday and the last working day of the month (%(date)s)"
    ),
}


@dataclass(frozen=True, slots=True)
class PledgeRequest:
    """What a supporter asked for, already validated by the form."""

    amount_minor: int
    email: str
    payday: date
    consent: bool
    locale: str | None = None  # the page's language, for the emails about it


@dataclass(frozen=True, slots=True)
class PaydayChoice:
    value: date
    label: str


def last_working_day(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def payday_choices(today: date, last_allowed: date | None) -> list[PaydayChoice]:
    """The quick choices: this Friday and the last working day of the month.

    Past the month's last working day, the next month's is offered. Choices
    after `last_allowed` (the campaign's deadline) are left out; a date that is
    both is offered once.
    """
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    month_end = last_working_day(today.year, today.month)
    if month_end < today:
        nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        month_end = last_working_day(nxt.year, nxt.month)
    kinds: dict[date, list[str]] = {}
    kinds.setdefault(friday, []).append("friday" if friday != today else "today")
    kinds.setdefault(month_end, []).append("month_end")
    return [
        PaydayChoice(day, str(_PAYDAY_LABELS[tuple(names)]) % {"date": date_short(day)})
        for day, names in sorted(kinds.items())
        if last_allowed is None or day <= last_allowed
    ]


def last_payday(campaign: Campaign) -> date | None:
    """The latest payday a pledge may name: the deadline's date (UTC)."""
    return campaign.deadline.astimezone(UTC).date() if campaign.deadline else None


def check_payday(campaign: Campaign, payday: date, today: date) -> None:
    """Raise PledgeError unless `payday` is today or later and before the deadline."""
    if payday < today:
        raise PledgeError(gettext("That date has passed. Please choose today or a later payday."))
    last = last_payday(campaign)
    if last is not None and payday > last:
        raise PledgeError(
            gettext(
                "The drive ends on %(date)s. Please choose a payday before then.",
                date=date_long(last),
            )
        )


def _move(pledge_id: int, to_status: str, values: dict[str, Any] | None = None) -> str | None:
    """Compare-and-set a pledge to `to_status`; the state it left, or None (nothing written)."""
    return state.move(Pledge, pledge_id, ALLOWED_SOURCES[to_status], to_status, values or {})


def _leave(pledge: Pledge, to_status: str, values: dict[str, Any]) -> str | None:
    """Move a pledge on; take it out of `pledged_minor` if it was counted there."""
    left = _move(pledge.id, to_status, values)
    if left == PLEDGED:
        bump_totals(pledge.campaign_id, pledged=-pledge.amount_minor)
    return left


def create_pledge(
    campaign: Campaign, request: PledgeRequest, now: datetime | None = None
) -> Pledge:
    """Record a pledge, count it as pledged and queue its confirmation; commit.

    Then tries to deliver the confirmation at once (the sender retries it later
    if that fails). Raises PledgeError if the drive or the payday rule it out.
    """
    now = now or utcnow()
    if not campaign.is_open(now):
        raise PledgeError(gettext("This drive has ended, so it is no longer taking pledges."))
    check_payday(campaign, request.payday, now.date())
    pledge = Pledge(
        campaign_id=campaign.id,
        amount_minor=request.amount_minor,
        currency=campaign.currency,
        email=request.email.strip(),
        payday=request.payday,
        remind_at=datetime.combine(request.payday, time(REMINDER_HOUR_UTC), UTC),
        consent=request.consent,
        locale=request.locale,
        status=PLEDGED,
    )
    db.session.add(pledge)
    db.session.flush()
    bump_totals(campaign.id, pledged=pledge.amount_minor)
    if request.consent:
        # Ticking the box again is fresh consent, even after an unsubscribe.
        mail.unsuppress(pledge.email, mail.UNSUBSCRIBED)
    key = pledge_mail.queue_confirmation(pledge, campaign)
    db.session.commit()
    try:
        mail.deliver_one(key)
    except Exception:
        # The pledge and its email are stored; the sender will try again.
        db.session.rollback()
        current_app.logger.exception("confirmation %s not sent now; left in the outbox", key)
    return pledge


def by_public_id(public_id: str) -> Pledge | None:
    return db.session.scalar(sa.select(Pledge).where(Pledge.public_id == public_id))


def from_token(purpose: str, token: str) -> Pledge:
    """The pledge a signed link names, or TokenError (TokenGone when expired)."""
    pledge = by_public_id(tokens.verify(purpose, token))
    if pledge is None:
        raise tokens.invalid_link()
    return pledge


def refuse_if_closed(pledge: Pledge) -> None:
    """TokenGone when the pledge is already paid or cancelled: the link is used up."""
    if pledge.status == FULFILLED:
        raise tokens.TokenGone(gettext("This pledge is already paid. Thank you!"))
    if pledge.status == CANCELLED:
        raise tokens.TokenGone(
            gettext("This pledge was cancelled, so there is nothing to pay. You can still give."),
        )


def cancel(pledge: Pledge) -> None:
    """Cancel a pledge and commit; TokenGone if it is already paid or cancelled."""
    refuse_if_closed(pledge)
    if _leave(pledge, CANCELLED, {"cancelled_at": utcnow()}) is None:
        db.session.rollback()
        raise tokens.TokenGone(gettext("This pledge has already been paid or cancelled."))
    db.session.commit()


def withdraw(pledge: Pledge) -> bool:
    """Cancel an open pledge in the caller's transaction (an erasure); False if it moved on."""
    return _leave(pledge, CANCELLED, {"cancelled_at": utcnow()}) is not None


def lapse(pledge: Pledge) -> bool:
    """Mark an unpaid pledge lapsed (in the caller's transaction); False if it moved on."""
    return _leave(pledge, LAPSED, {"lapsed_at": utcnow()}) is not None


def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """Signal receiver: the donation paying a pledge fulfils it, once.

    Runs in the webhook's transaction. `raised` rose with the donation itself;
    `pledged` falls here, only if the pledge was still counted as pledged.
    """
    if donation.pledge_id is None:
        return
    pledge = db.session.get(Pledge, donation.pledge_id)
    if pledge is not None:
        _leave(pledge, FULFILLED, {"fulfilled_at": utcnow()})


def unsubscribe(address: str) -> None:
    """Stop every reminder to `address` at once (queued ones included) and commit."""
    mail.suppress(address, mail.UNSUBSCRIBED, "unsubscribe link")
    db.session.execute(
        sa.update(Pledge)
        .where(sa.func.lower(Pledge.email) == email_key(address))
        .values(consent=False, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
