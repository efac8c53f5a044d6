"""Milestones: the count reached, the next one, people funded, and their celebration.

Rules (tested in tests/integration/milestones/):

- A milestone is *reached* while `raised` is at or above its amount. `raised`
  is money received; promised matches never reach a milestone.
- It is *celebrated* once: by the first webhook-counted gift after which it is
  reached (the alerts overlay plays it after that gift). Money counted another
  way (offline, reconcile) reaches it, and the next webhook-counted gift
  celebrates it. A refund that drops `raised` below it does not un-celebrate;
  crossing it again does not celebrate again.
- One added when already reached is marked celebrated without an alert, so
  nothing old is celebrated on the stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import Campaign, Donation, Milestone, Organiser, OverlayAlert
from ...models.types import utcnow
from ...money import format_money
from ..campaigns.campaigns import pages_changed
from ..organisers import audit
from ..organisers.scope import require_whole_campaign

MAX_MILESTONES = 50


class MilestoneError(UserError, ValueError):
    """A milestone or cost that cannot be saved; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the bar shows: milestones reached of all, the next one, people funded."""

    reached: int
    total: int
    next: Milestone | None
    # raised // cost per person; None when the organiser set no cost.
    people: int | None

    def as_json(self, currency: str) -> dict[str, Any]:
        upcoming = self.next
        return {
            "milestones": {
                "reached": self.reached,
                "total": self.total,
                "next": None
                if upcoming is None
                else {
                    "amount": upcoming.amount_minor,
                    "amount_display": format_money(upcoming.amount_minor, currency, trim=True),
                    "label": upcoming.label,
                    "label_ru": upcoming.label_ru,
                },
            },
            "people": self.people,
        }


def listing(campaign: Campaign) -> list[Milestone]:
    """The campaign's milestones, smallest first."""
    return list(
        db.session.scalars(
            sa.select(Milestone)
            .where(Milestone.campaign_id == campaign.id)
            .order_by(Milestone.amount_minor)
        )
    )


def summary(campaign: Campaign) -> Summary:
    """The milestones against the campaign's `raised` now (one query)."""
    rows = listing(campaign)
    raised = campaign.raised_minor
    reached = sum(1 for m in rows if m.amount_minor <= raised)
    cost = campaign.cost_per_person_minor
    return Summary(
        reached=reached,
        total=len(rows),
        next=next((m for m in rows if m.amount_minor > raised), None),
        people=max(0, raised) // cost if cost else None,
    )


def add(
    campaign: Campaign, amount_minor: int, label: str, label_ru: str, organiser: Organiser
) -> Milestone:
    """Add a milestone (audited); commits. Raises MilestoneError, storing nothing,
    for an amount that is not positive, a repeated amount, no label, or too many."""
    require_whole_campaign(organiser, "add a milestone")
    label, label_ru = label.strip()[:120], label_ru.strip()[:120]
    if amount_minor <= 0:
        raise MilestoneError("The amount must be more than zero.")
    if not (label or label_ru):
        raise MilestoneError("Give the milestone a label, in English or Russian.")
    existing = listing(campaign)
    if any(m.amount_minor == amount_minor for m in existing):
        raise MilestoneError("There is already a milestone at that amount.")
    if len(existing) >= MAX_MILESTONES:
        raise MilestoneError(f"A campaign can have at most {MAX_MILESTONES} milestones.")
    already = amount_minor <= db.session.get_one(Campaign, campaign.id).raised_minor
    milestone = Milestone(
        campaign_id=campaign.id,
        amount_minor=amount_minor,
        label=label,
        label_ru=label_ru,
        # Reached before it was set: counted as reached, never celebrated on stream.
        celebrated_at=utcnow() if already else None,
    )
    db.session.add(milestone)
    db.session.flush()
    pages_changed(campaign.id, what="milestones")
    audit.record(
        "milestone_add",
        f"Added the milestone {format_money(amount_minor, campaign.currency)}: {label or label_ru}",
        organiser=organiser,
        milestone_id=milestone.id,
        amount_minor=amount_minor,
    )
    db.session.commit()
    return milestone


def remove(campaign: Campaign, milestone_id: int, organiser: Organiser) -> Milestone:
    """Delete a milestone (audited); commits. Raises MilestoneError if there is none."""
    require_whole_campaign(organiser, "remove a milestone")
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.campaign_id != campaign.id:
        raise MilestoneError("There is no such milestone.")
    # The campaign row first, as the webhook path locks it (then milestones): no deadlock.
    pages_changed(campaign.id, what="milestones")
    db.session.delete(milestone)
    audit.record(
        "milestone_remove",
        f"Removed the milestone {format_money(milestone.amount_minor, campaign.currency)}",
        organiser=organiser,
        milestone_id=milestone_id,
    )
    db.session.commit()
    return milestone


def set_cost_per_person(campaign: Campaign, cost_minor: int | None, organiser: Organiser) -> None:
    """Set (None: clear) what one evacuation costs, for "enough for N people"; audited, commits."""
    require_whole_campaign(organiser, "set the cost per person")
    if cost_minor is not None and cost_minor <= 0:
        raise MilestoneError("The cost per person must be more than zero.")
    row = db.session.get_one(Campaign, campaign.id)
    row.cost_per_person_minor = cost_minor
    pages_changed(campaign.id, what="cost per person")
    audit.record(
        "cost_per_person",
        "Cleared the cost per person"
        if cost_minor is None
        else f"Set the cost per person to {format_money(cost_minor, campaign.currency)}",
        organiser=organiser,
        cost_minor=cost_minor,
    )
    db.session.commit()


_MILESTONES, _CAMPAIGNS = Milestone.__table__, Campaign.__table__
# Milestones the campaign's new total has reached that no alert has celebrated yet.
_DUE = sa.select(_MILESTONES.c.id).where(
    _MILESTONES.c.campaign_id == sa.bindparam("campaign_id"),
    _MILESTONES.c.celebrated_at.is_(None),
    _MILESTONES.c.amount_minor
    <= sa.select(_CAMPAIGNS.c.raised_minor)
    .where(_CAMPAIGNS.c.id == sa.bindparam("campaign_id"))
    .scalar_subquery(),
)


def on_donation_succeeded(donation: Donation, **_: Any) -> None:
    """Celebrate, with this gift's overlay alert, each milestone reached and not yet celebrated.

    Runs after `bump_totals` (the campaign row is locked and holds the new total)
    and after the alert feed's receiver. The common case (nothing newly
    reached) is one indexed query.
    """
    # A prebuilt statement on the connection (not the ORM's query machinery):
    # on the webhook's path this runs while holding SQLite's one write lock.
    due = list(
        db.session.connection().execute(_DUE, {"campaign_id": donation.campaign_id}).scalars()
    )
    if not due:
        return
    # Only a Stripe webhook delivery writes an alert (services/livestream/alerts.py).
    alert_id = db.session.scalar(
        sa.select(OverlayAlert.id).where(OverlayAlert.donation_id == donation.id)
    )
    if alert_id is None:
        return
    db.session.execute(
        sa.update(Milestone)
        .where(Milestone.id.in_(due), Milestone.celebrated_at.is_(None))
        .values(celebrated_at=utcnow(), celebrated_alert_id=alert_id)
        .execution_options(synchronize_session=False)
    )


def celebrations(alert_ids: list[int]) -> dict[int, list[Milestone]]:
    """The milestones each of these alerts celebrates, smallest first (one query)."""
    found: dict[int, list[Milestone]] = {}
    if not alert_ids:
        return found
    for milestone in db.session.scalars(
        sa.select(Milestone)
        .where(Milestone.celebrated_alert_id.in_(alert_ids))
        .order_by(Milestone.amount_minor)
    ):
        found.setdefault(int(milestone.celebrated_alert_id or 0), []).append(milestone)
    return found
