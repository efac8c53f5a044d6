"""The alert feed the alerts overlay polls: webhook-counted gifts, each once, in order.

A row is written by `on_donation_succeeded` in the transaction that counts the
gift, after `bump_totals` has locked the campaign row: ids are therefore
handed out in commit order, so an overlay that has seen id N has seen every
alert below N. Gifts counted by reconcile (late, possibly hours old) and
refunds or disputes never alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign, Donation, ModerationState, OverlayAlert, StripeEvent
from ...models.types import utcnow
from ..milestones import milestones as milestone_rules

# At most this many alerts in one answer; an overlay further behind catches up over polls.
PAGE = 50


_ALERTS, _EVENTS = OverlayAlert.__table__, StripeEvent.__table__
_ALERT_COLUMNS = ("campaign_id", "donation_id", "amount_minor", "currency", "created_at")
# The gift's alert, if a webhook delivery (not reconcile) counted it and it has none yet.
_ALERT_ONCE = sa.insert(_ALERTS).from_select(
    _ALERT_COLUMNS,
    sa.select(*(sa.bindparam("new_" + c, type_=_ALERTS.c[c].type) for c in _ALERT_COLUMNS)).where(
        sa.exists().where(_EVENTS.c.id == sa.bindparam("event_id"), _EVENTS.c.source == "webhook"),
        ~sa.exists().where(_ALERTS.c.donation_id == sa.bindparam("new_donation_id")),
    ),
)


def on_donation_succeeded(donation: Donation, *, event_id: str | None = None, **_: Any) -> None:
    """Add the gift to the alert feed if a Stripe webhook delivery counted it."""
    if event_id is None:
        return
    # One statement on the tables (not three through the ORM): on the webhook's
    # path this runs while holding SQLite's one write lock.
    db.session.connection().execute(
        _ALERT_ONCE,
        {
            "new_campaign_id": donation.campaign_id,
            "new_donation_id": donation.id,
            "new_amount_minor": donation.amount_minor,
            "new_currency": donation.currency,
            "new_created_at": utcnow(),
            "event_id": event_id,
        },
    )


def newest_id(campaign_id: int) -> int:
    """The highest alert id of the campaign, 0 when there is none (one index read)."""
    return int(
        db.session.scalar(
            sa.select(sa.func.max(OverlayAlert.id)).where(OverlayAlert.campaign_id == campaign_id)
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class Alert:
    """What the overlay shows of one gift: never an email or a donation id."""

    id: int
    amount_minor: int
    currency: str
    tier: str | None
    name: str | None
    message: str | None
    # Milestones this gift reached first (services/milestones): the overlay
    # celebrates each, as its own alert, right after the gift.
    milestones: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "amount": self.amount_minor,
            "currency": self.currency,
            "tier": self.tier,
            "name": self.name,
            "message": self.message,
            "milestones": self.milestones,
        }


def tier_label(campaign: Campaign, amount_minor: int) -> str | None:
    """The biggest drink tier the amount reaches ("a pint"), or None below the smallest."""
    reached = [t for t in campaign.tiers or [] if int(t["amount"]) <= amount_minor]
    return str(max(reached, key=lambda t: int(t["amount"]))["label"]) if reached else None


def after(campaign: Campaign, last_seen: int) -> list[Alert]:
    """Alerts with an id above `last_seen`, oldest first, at most PAGE.

    The name and message come only when the donor made them public and an
    organiser approved them (at the moment of asking).
    """
    rows = db.session.execute(
        sa.select(OverlayAlert, Donation)
        .join(Donation, Donation.id == OverlayAlert.donation_id)
        .where(OverlayAlert.campaign_id == campaign.id, OverlayAlert.id > last_seen)
        .order_by(OverlayAlert.id)
        .limit(PAGE)
    ).all()
    celebrated = milestone_rules.celebrations([alert.id for alert, _ in rows])
    alerts = []
    for alert, donation in rows:
        approved = donation.moderation == ModerationState.APPROVED
        alerts.append(
            Alert(
                id=alert.id,
                amount_minor=alert.amount_minor,
                currency=alert.currency,
                tier=tier_label(campaign, alert.amount_minor),
                name=donation.public_name if approved else None,
                message=((donation.message or "").strip() or None) if approved else None,
                milestones=[
                    {"amount": m.amount_minor, "label": m.label, "label_ru": m.label_ru}
                    for m in celebrated.get(alert.id, [])
                ],
            )
        )
    return alerts
