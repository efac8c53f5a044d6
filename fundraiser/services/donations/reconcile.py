"""Reconciliation: record what Stripe knows and our webhooks never delivered.

Walks Stripe's events of every type the ledger handles (so handlers other
areas add are covered without change) and feeds each one it has not seen
through `process_event(source="reconcile")`, oldest first. The ledger makes it
safe to run any number of times, alongside live webhooks. It then compares
each campaign's total here with Stripe's succeeded, unrefunded payments.
Moves no money.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...models import Campaign, Donation, OfflineGift, Outcome, OutcomeCode, StripeEvent
from ...payments import stripe_gateway
from ...payments.shapes import MalformedEvent
from ...payments.vocabulary import IntentStatus
from ...webhooks.ledger import HANDLERS, process_event
from ..refunds import refunds_and_disputes
from . import donations

_NOTHING_DONE = frozenset({OutcomeCode.DUPLICATE, OutcomeCode.IGNORED})


@dataclass(frozen=True, slots=True)
class Total:
    currency: str
    amount: int
    count: int


@dataclass
class Report:
    """What a run saw, what it changed, and the totals on both sides."""

    checked: int = 0
    already_recorded: int = 0
    fixed: list[tuple[str, str, Outcome]] = field(default_factory=list)  # (event id, type, outcome)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (event id, error)
    abandoned: int = 0  # donations left `created` by a lost process, now failed
    ours: dict[str, Total] = field(default_factory=dict)  # campaign slug -> total
    stripes: dict[str, Total] = field(default_factory=dict)

    def mismatched(self) -> list[str]:
        """Campaign slugs whose totals differ between here and Stripe."""
        slugs = sorted(set(self.ours) | set(self.stripes))
        return [s for s in slugs if _amount(self.ours.get(s)) != _amount(self.stripes.get(s))]


def _amount(total: Total | None) -> tuple[str, int]:
    return (total.currency, total.amount) if total and total.amount else ("", 0)


def stripe_events(since: datetime | None) -> list[dict[str, Any]]:
    """Every handled event Stripe holds from `since` (all it keeps if None), oldest first."""
    gte = int(since.timestamp()) if since else None
    events = [
        event
        for event_type in sorted(HANDLERS)
        for event in stripe_gateway.list_events(event_type, created_gte=gte)
    ]
    return sorted(events, key=lambda e: (int(e.get("created") or 0), str(e.get("id"))))


def recorded_ids(event_ids: Iterable[str]) -> set[str]:
    """Which of `event_ids` the ledger already holds."""
    ids = [i for i in event_ids if isinstance(i, str)]
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(db.session.scalars(sa.select(StripeEvent.id).where(StripeEvent.id.in_(chunk))))
    return found


def reconcile(since: datetime | None = None) -> Report:
    """Apply every event Stripe has that the ledger lacks, fail donations that never
    reached Stripe (`donations.close_abandoned`), then compare totals.

    An event that fails (database or Stripe trouble) is reported in `errors`
    and left for the next run; the others go on.
    """
    report = Report()
    events = stripe_events(since)
    known = recorded_ids(e.get("id") for e in events)  # type: ignore[misc]
    report.checked = len(events)
    for event in events:
        if event.get("id") in known:
            report.already_recorded += 1
            continue
        try:
            outcome = process_event(event, source="reconcile")
        except MalformedEvent as exc:
            outcome = Outcome(OutcomeCode.MALFORMED, f"malformed event ({exc})")
        except Exception as exc:  # one bad event must not stop the rest
            current_app.logger.exception("reconcile: event %s failed", event.get("id"))
            report.errors.append((str(event.get("id")), str(exc)[:200]))
            continue
        if outcome.code == OutcomeCode.DUPLICATE:
            report.already_recorded += 1  # a webhook landed meanwhile
        elif outcome.code not in _NOTHING_DONE:
            report.fixed.append((str(event["id"]), str(event["type"]), outcome))
    report.abandoned = donations.close_abandoned()
    db.session.expire_all()
    report.ours = our_totals()
    report.stripes = stripe_totals()
    return report


def our_totals() -> dict[str, Total]:
    """Online money as we count it: `raised` without the offline (cash, bank) gifts."""
    offline = (
        sa.select(sa.func.coalesce(sa.func.sum(OfflineGift.amount_minor), 0))
        .where(OfflineGift.campaign_id == Campaign.id, OfflineGift.removed_at.is_(None))
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            Campaign.slug,
            Campaign.currency,
            Campaign.raised_minor - offline,
            Campaign.donations_count,
        )
    )
    return {slug: Total(currency, int(raised), count) for slug, currency, raised, count in rows}


def stripe_totals() -> dict[str, Total]:
    """Stripe's side counted the way `raised` counts, payment by payment.

    For each succeeded payment this app started (it carries its metadata): the
    gift is what was received less the card-fee cover the donor added; refunds
    (the charge's `amount_refunded`, in charge money) and what disputes have
    withdrawn and not reinstated come out of it, never more than the gift,
    as services.refunds.refunds_and_disputes takes them out of `raised`.
    """
    covers = dict(
        db.session.execute(
            sa.select(Donation.id, Donation.fee_cover_minor).where(Donation.fee_cover_minor > 0)
        ).all()
    )
    amounts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for intent in stripe_gateway.list_payment_intents():
        metadata = intent.get("metadata") or {}
        if intent.get("status") != IntentStatus.SUCCEEDED or "donation_id" not in metadata:
            continue
        currency = str(intent.get("currency", "")).lower()
        donation_id = str(metadata["donation_id"])
        # localstripe leaves out amount_received; real Stripe always has it.
        received = int(intent.get("amount_received") or intent.get("amount") or 0)
        gift = received - (covers.get(int(donation_id), 0) if donation_id.isdigit() else 0)
        out = min(gift, _refunded(intent) + _withdrawn(intent, currency))
        key = (str(metadata.get("campaign", "?")), currency)
        amounts[key][0] += gift - out
        amounts[key][1] += 1
    return {slug: Total(currency, a, n) for (slug, currency), (a, n) in amounts.items()}


def _refunded(intent: dict[str, Any]) -> int:
    """The charge's refunded total (failed refunds are no longer in it at Stripe)."""
    charge = intent.get("latest_charge")
    refunded = charge.get("amount_refunded", 0) if isinstance(charge, dict) else 0
    return int(refunded or 0)


def _withdrawn(intent: dict[str, Any], currency: str) -> int:
    """What the charge's disputes hold out of the balance now; asked only of disputed charges."""
    charge = intent.get("latest_charge")
    if not (isinstance(charge, dict) and charge.get("disputed") and charge.get("id")):
        return 0
    return sum(
        refunds_and_disputes.dispute_withdrawn(dispute, currency)
        for dispute in stripe_gateway.list_disputes(str(charge["id"]))
    )
