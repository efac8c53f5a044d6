"""Retention: past the window every personal field goes, column by column; money stays."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Erasure, OutboxMessage, Pledge, StripeEvent
from fundraiser.models.types import utcnow
from fundraiser.services.donations import reconcile, retention
from fundraiser.services.donations.privacy import ERASED_ADDRESS
from tests.support.dashboard import make_pledge_row
from tests.support.factories import paid_donation, set_deadline
from tests.support.harness import campaign_totals

pytestmark = pytest.mark.stripe

# Every personal column, and what it holds once erased.
DONATION_ERASED = {
    "email": None,
    "display_name": None,
    "name_public": False,
    "message": None,
    "client_address_hash": None,
    "client_session_hash": None,
}
PLEDGE_ERASED = {"email": ERASED_ADDRESS, "consent": False}
OUTBOX_ERASED = {
    "to_address": ERASED_ADDRESS,
    "subject": "(erased)",
    "body_text": "",
    "body_html": "",
    "headers": {},
}
# What a run that finds nothing past the window reports.
NOTHING = {
    "outbox": 0,
    "donations": 0,
    "pledges": 0,
    "suppressions": 0,
    "offline_notes": 0,
    "refund_notes": 0,
    "audit_notes": 0,
}
# Columns erasure may change besides the personal ones (bookkeeping of the change itself).
BOOKKEEPING = {"updated_at", "status", "last_error", "cancelled_at"}


def rows(app: Flask, model: type[db.Model]) -> dict[int, dict[str, Any]]:
    """Every row of `model` by id, every column's value."""
    with app.app_context():
        columns = [c.key for c in sa.inspect(model).columns]
        return {
            r.id: {c: getattr(r, c) for c in columns}
            for r in db.session.scalars(sa.select(model)).all()
        }


def whole_database(app: Flask) -> str:
    """Every row as text, but the webhook ledger's: localstripe posts its events to
    the session's live server when it gets round to it, so an earlier test's payment
    can add a ledger row ("no matching donation") in the middle of this one. The
    ledger holds event ids, types and outcomes only; retention never touches it."""
    with app.app_context(), db.engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            if table.name != "stripe_event"
            for row in conn.execute(table.select())
        )


def apply(app: Flask) -> dict[str, int]:
    with app.app_context():
        return retention.apply()


def reconcile_figures(app: Flask) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    with app.app_context():
        report = reconcile.reconcile()
        return report.fixed, report.ours, report.stripes


def test_after_the_drive_every_personal_field_goes_and_the_money_stays(
    app: Flask, campaign: Campaign
) -> None:
    paid = [
        paid_donation(app, "20.00", message="Stay safe, Ruslan"),
        paid_donation(app, "7.50", name_public=True),
    ]
    with app.app_context():
        camp = db.session.get_one(Campaign, campaign.id)
        make_pledge_row(
            camp,
            900,
            date.today() + timedelta(days=20),
            email="lena@example.org",
            created_at=utcnow(),
        )
        make_pledge_row(
            camp,
            400,
            date.today(),
            status="fulfilled",
            email="oleg@example.org",
            created_at=utcnow(),
        )
    before = {m: rows(app, m) for m in (Donation, Pledge, OutboxMessage)}
    assert before[OutboxMessage], "the receipts are in the outbox"
    reconcile_figures(app)  # records localstripe's other events, so the next run is a baseline
    reconciled = reconcile_figures(app)
    totals, ledger = campaign_totals(app), rows(app, StripeEvent)

    # Inside the window (deadline 10 days ago, grace 30): nothing is due.
    set_deadline(app, utcnow() - timedelta(days=10))
    assert apply(app) == NOTHING
    assert {m: rows(app, m) for m in before} == before

    set_deadline(app, utcnow() - timedelta(days=31))
    counts = apply(app)
    assert counts == {
        **NOTHING,
        "outbox": len(before[OutboxMessage]),
        "donations": len(paid),
        "pledges": 2,
    }
    for model, erased in (
        (Donation, DONATION_ERASED),
        (Pledge, PLEDGE_ERASED),
        (OutboxMessage, OUTBOX_ERASED),
    ):
        after = rows(app, model)
        assert after.keys() == before[model].keys()
        for row_id, row in after.items():
            for column, value in row.items():
                if column in erased:
                    assert value == erased[column], (model.__name__, column)
                elif column not in BOOKKEEPING:
                    assert value == before[model][row_id][column], (model.__name__, column)
    stored = whole_database(app)
    for personal in ("sam@example.org", "Sam", "Stay safe", "lena@example.org", "oleg@"):
        assert personal not in stored
    assert {p["status"] for p in rows(app, Pledge).values()} == {"cancelled", "fulfilled"}
    # The money: totals, the ledger and reconcile's figures are what they were.
    assert campaign_totals(app) == totals
    assert rows(app, StripeEvent) == ledger
    assert reconcile_figures(app) == reconciled
    with app.app_context():
        log = db.session.scalars(sa.select(Erasure)).all()
        assert [(e.subject_hash, e.counts) for e in log] == [("retention", counts)]

    # Twice changes nothing: not a column, not a new log row.
    settled = whole_database(app)
    assert apply(app) == NOTHING
    assert whole_database(app) == settled


def test_the_maximum_age_applies_before_the_deadline_and_spares_newer_rows(
    app: Flask, campaign: Campaign
) -> None:
    set_deadline(app, utcnow() + timedelta(days=5))
    old, new = paid_donation(app, "4.00"), paid_donation(app, "5.00")
    with app.app_context():
        db.session.execute(
            sa.update(Donation)
            .where(Donation.id == old.id)
            .values(created_at=utcnow() - timedelta(days=366))
        )
        db.session.commit()
        due = retention.due(db.session.get_one(Campaign, campaign.id))
        # Both receipts went to sam@, whose old donation is past: the outbox has no
        # donation link, so mail to an address being erased goes with it.
        assert due.due_now == {
            "donations": 1,
            "pledges": 0,
            "outbox": 2,
            "suppressions": 0,
            "notes": 0,
        }
    counts = apply(app)
    assert counts["donations"] == 1
    kept = rows(app, Donation)
    assert kept[old.id]["email"] is None and kept[old.id]["display_name"] is None
    assert kept[new.id]["email"] == "sam@example.org" and kept[new.id]["display_name"] == "Sam"
    assert counts["outbox"] == 2
    assert {m["to_address"] for m in rows(app, OutboxMessage).values()} == {ERASED_ADDRESS}


def test_the_dashboard_says_what_is_due_and_when(
    app: Flask, logged_in: Any, campaign: Campaign
) -> None:
    deadline = utcnow().replace(microsecond=0) + timedelta(days=2)
    set_deadline(app, deadline)
    paid_donation(app, "4.00")
    page = logged_in.get("/dashboard/").get_data(as_text=True)
    assert "Personal data due for erasure" in page
    assert "0 donations, 0 pledges, 0 emails" in page
    assert (deadline + timedelta(days=30)).strftime("%Y-%m-%d %H:%M UTC") in page
    set_deadline(app, utcnow() - timedelta(days=40))
    page = logged_in.get("/dashboard/").get_data(as_text=True)
    assert "1 donations, 0 pledges, 1 emails" in page


def test_the_command_erases_and_reports(app: Flask, campaign: Campaign) -> None:
    paid_donation(app, "4.00")
    set_deadline(app, utcnow() - timedelta(days=31))
    result = app.test_cli_runner().invoke(args=["fundraiser", "apply-retention"])
    assert result.exit_code == 0, result.output
    assert "1 outbox, 1 donations, 0 pledges" in result.output
    assert "sam@example.org" not in whole_database(app)
