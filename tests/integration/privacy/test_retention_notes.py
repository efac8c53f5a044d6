"""Retention of the suppression list and of organisers' free-text notes (issue 16).

Past the window a suppressed address keeps only its keyed hash (mail to it is
still refused) and, past the maximum age with no live row needing it, goes;
notes on offline money, refunds and the audit log's copies of them are emptied.
Checked column by column, on both databases; a second run changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.mail import outbox
from fundraiser.models import (
    AuditEntry,
    Campaign,
    EmailSuppression,
    OfflineGift,
    OfflineMethod,
    Refund,
    RefundOrigin,
    RefundStatus,
    SuppressionReason,
)
from fundraiser.models.types import utcnow
from fundraiser.services.donations import retention
from fundraiser.services.organisers import audit
from tests.integration.privacy.test_retention import BOOKKEEPING, NOTHING, rows, whole_database
from tests.support.factories import add_donation, set_deadline

NAME = "Ruslan"
ADDRESS = "ruslan@example.org"


def _cash(campaign: Campaign, amount: int, made: datetime, **fields: Any) -> OfflineGift:
    return OfflineGift(
        campaign_id=campaign.id,
        amount_minor=amount,
        currency="gbp",
        received_on=date(2026, 11, 1),
        method=OfflineMethod.CASH,
        created_at=made,
        **fields,
    )


def _seed(app: Flask, campaign: Campaign, *, age: timedelta = timedelta(0)) -> None:
    """Notes naming a giver on every kind of row, and suppressions, made `age` ago."""
    made = utcnow() - age
    gift = add_donation(app, campaign.id, email=ADDRESS, status="succeeded", created_at=made)
    with app.app_context():
        db.session.add_all(
            [
                _cash(campaign, 2000, made, note=f"cash from {NAME}"),
                _cash(campaign, 500, made, removed_at=made, removed_reason=f"{NAME} counted twice"),
                Refund(
                    donation_id=gift.id,
                    amount_minor=100,
                    currency="gbp",
                    status=RefundStatus.SUCCEEDED,
                    origin=RefundOrigin.DASHBOARD,
                    note=f"{NAME} asked",
                    created_at=made,
                ),
                EmailSuppression(
                    address=ADDRESS, reason=SuppressionReason.UNSUBSCRIBED, created_at=made
                ),
            ]
        )
        added = audit.record(
            "offline_add", "Recorded £20.00 offline", amount=2000, note=f"cash from {NAME}"
        )
        corrected = audit.record(
            "offline_correct",
            "Corrected an offline entry",
            offline_gift=1,
            before={"amount": 2000, "note": f"cash from {NAME}"},
            after={"amount": 2500, "note": f"cash from {NAME}, and more"},
            reason=f"{NAME} gave more",
        )
        added.created_at = corrected.created_at = made
        audit.record("login", "Logged in")  # no notes: untouched
        db.session.commit()


def _notes_due(app: Flask, campaign: Campaign) -> dict[str, int]:
    with app.app_context():
        due = retention.due(db.session.get_one(Campaign, campaign.id))
        return {k: due.due_now[k] for k in ("suppressions", "notes")}


def _apply(app: Flask) -> dict[str, int]:
    with app.app_context():
        return retention.apply()


def test_after_the_drive_notes_and_suppressed_addresses_go(app: Flask, campaign: Campaign) -> None:
    _seed(app, campaign, age=timedelta(days=2))
    before = {m: rows(app, m) for m in (OfflineGift, Refund, AuditEntry, EmailSuppression)}
    set_deadline(app, utcnow() - timedelta(days=10))  # inside the 30-day grace
    assert _notes_due(app, campaign) == {"suppressions": 0, "notes": 0}
    assert _apply(app) == NOTHING

    set_deadline(app, utcnow() - timedelta(days=31))
    assert _notes_due(app, campaign) == {"suppressions": 1, "notes": 5}
    counts = _apply(app)
    assert counts == {
        **NOTHING,
        "donations": 1,
        "suppressions": 1,
        "offline_notes": 2,
        "refund_notes": 1,
        "audit_notes": 2,
    }
    # What changes, by each model's rows in the order they were made (1: the first).
    erased: dict[type, dict[int, dict[str, Any]]] = {
        OfflineGift: {1: {"note": ""}, 2: {"note": "", "removed_reason": ""}},
        Refund: {1: {"note": ""}},
        EmailSuppression: {1: {"address": _hashed(app), "detail": "erased: past retention"}},
        AuditEntry: {
            1: {"detail": {"amount": 2000}},
            2: {
                "detail": {"offline_gift": 1, "before": {"amount": 2000}, "after": {"amount": 2500}}
            },
        },
    }
    for model, by_order in erased.items():
        after = rows(app, model)
        assert after.keys() == before[model].keys()
        # Ids in the order made (PostgreSQL's sequences go on counting between tests).
        changes = {row_id: by_order.get(n + 1, {}) for n, row_id in enumerate(sorted(after))}
        for row_id, row in after.items():
            for column, value in row.items():
                if column in BOOKKEEPING:
                    continue
                expected = changes[row_id].get(column, before[model][row_id][column])
                assert value == expected, (model.__name__, row_id, column)
    assert NAME not in whole_database(app) and ADDRESS not in whole_database(app)
    with app.app_context():  # the objection still holds, by its hash
        assert outbox.is_suppressed(ADDRESS, "pledge_reminder") == SuppressionReason.UNSUBSCRIBED
    assert _notes_due(app, campaign) == {"suppressions": 0, "notes": 0}

    settled = whole_database(app)
    assert _apply(app) == NOTHING
    assert whole_database(app) == settled


def _hashed(app: Flask) -> str:
    with app.app_context():
        return outbox.erased_form(ADDRESS)


def test_past_the_maximum_age_a_suppression_nobody_needs_is_deleted(
    app: Flask, campaign: Campaign
) -> None:
    set_deadline(app, utcnow() + timedelta(days=5))
    old = utcnow() - timedelta(days=400)
    add_donation(app, campaign.id, email="still@example.org", status="succeeded")
    with app.app_context():
        db.session.add_all(
            [
                # Old, but a live donation has the address: kept, as its hash.
                EmailSuppression(address="still@example.org", reason="bounced", created_at=old),
                # Old, nobody holds it: deleted.
                EmailSuppression(address="gone@example.org", reason="bounced", created_at=old),
                # Recent, nobody holds it: kept as it is (not past any window).
                EmailSuppression(address="new@example.org", reason="unsubscribed"),
            ]
        )
        db.session.commit()
    assert _notes_due(app, campaign)["suppressions"] == 2
    assert _apply(app)["suppressions"] == 2
    with app.app_context():
        kept = sorted(db.session.scalars(sa.select(EmailSuppression.address)))
        assert kept == sorted([outbox.erased_form("still@example.org"), "new@example.org"])
        assert outbox.is_suppressed("still@example.org", "receipt") == "bounced"
    assert _apply(app) == NOTHING
