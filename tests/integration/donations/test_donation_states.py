"""The donation state machine: allowed transitions, no-ops, and totals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from fundraiser import signals
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, DonationTransition, OutcomeCode
from fundraiser.services.donations import donations
from tests.support.harness import campaign_totals
from tests.support.stripe_events import payment_intent


def make_donation(
    campaign: Campaign,
    *,
    status: str = donations.PENDING,
    amount: int = 400,
    intent: str | None = "pi_unit_1",
) -> int:
    donation = Donation(
        campaign_id=campaign.id,
        amount_minor=amount,
        currency="gbp",
        status=status,
        stripe_payment_intent_id=intent,
    )
    db.session.add(donation)
    db.session.commit()
    return donation.id


@pytest.mark.parametrize(
    ("start", "target", "moves"),
    [
        (donations.CREATED, donations.PENDING, True),
        (donations.PENDING, donations.SUCCEEDED, True),
        (donations.PENDING, donations.FAILED, True),
        (donations.FAILED, donations.SUCCEEDED, True),
        (donations.SUCCEEDED, donations.FAILED, False),
        (donations.SUCCEEDED, donations.PENDING, False),
        (donations.FAILED, donations.FAILED, False),
        (donations.PENDING, donations.PENDING, False),
    ],
)
def test_transition_table(
    app_ctx: None, campaign: Campaign, start: str, target: str, moves: bool
) -> None:
    donation_id = make_donation(campaign, status=start)
    left = donations.transition(donation_id, target, reason="test")
    db.session.commit()
    assert (left == start) is moves
    status = db.session.scalar(sa.select(Donation.status).where(Donation.id == donation_id))
    assert status == (target if moves else start)
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(DonationTransition))
    assert logged == (1 if moves else 0)


def test_success_counts_once_and_moves_totals(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    donation_id = make_donation(campaign, amount=700)
    intent = payment_intent("pi_unit_1", amount=700, donation_id=donation_id)
    assert donations.record_success(intent, event_id="evt_1").code == OutcomeCode.COUNTED
    db.session.commit()
    assert donations.record_success(intent, event_id="evt_2").code == OutcomeCode.ALREADY
    db.session.commit()
    assert campaign_totals(app) == (700, 1)


def test_failure_after_success_changes_nothing(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    donation_id = make_donation(campaign)
    intent = payment_intent("pi_unit_1", amount=400, donation_id=donation_id)
    donations.record_success(intent, event_id="evt_1")
    db.session.commit()
    failed = payment_intent(
        "pi_unit_1",
        amount=400,
        donation_id=donation_id,
        status="requires_payment_method",
        error="declined",
    )
    assert donations.record_failure(failed, event_id="evt_2").code == OutcomeCode.ALREADY
    db.session.commit()
    assert db.session.get(Donation, donation_id).status == donations.SUCCEEDED
    assert campaign_totals(app) == (400, 1)


def test_amount_or_currency_mismatch_is_not_counted(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    donation_id = make_donation(campaign, amount=400)
    assert (
        donations.record_success(
            payment_intent("pi_unit_1", amount=40000, donation_id=donation_id), event_id="e1"
        ).code
        == OutcomeCode.MISMATCH
    )
    assert (
        donations.record_success(
            payment_intent("pi_unit_1", amount=400, currency="usd", donation_id=donation_id),
            event_id="e2",
        ).code
        == OutcomeCode.MISMATCH
    )
    db.session.commit()
    assert db.session.get(Donation, donation_id).status == donations.PENDING
    assert campaign_totals(app) == (0, 0)


def test_intent_cannot_claim_another_donation(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    """Metadata naming a donation that already has a different intent is ignored."""
    donation_id = make_donation(campaign, intent="pi_real")
    forged = payment_intent("pi_other", amount=400, donation_id=donation_id)
    assert donations.record_success(forged, event_id="e1").code == OutcomeCode.NO_MATCH
    db.session.commit()
    assert campaign_totals(app) == (0, 0)


def test_success_signal_is_sent_once(app: Flask, app_ctx: None, campaign: Campaign) -> None:
    seen: list[tuple[int, str | None]] = []

    def receiver(donation: Donation, event_id: str | None) -> None:
        seen.append((donation.id, event_id))

    donation_id = make_donation(campaign)
    intent = payment_intent("pi_unit_1", amount=400, donation_id=donation_id)
    with signals.donation_succeeded.connected_to(receiver):
        donations.record_success(intent, event_id="evt_a")
        donations.record_success(intent, event_id="evt_b")
        db.session.commit()
    assert seen == [(donation_id, "evt_a")]


def test_a_move_committed_between_read_and_write_does_not_lose_the_success(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    """A failure that lands between the status read and the compare-and-set UPDATE
    (another delivery, on another connection) must not swallow the success."""
    from sqlalchemy import event

    donation_id = make_donation(campaign, amount=700)
    intruded: list[bool] = []

    def concurrent_failure(conn, cursor, statement, parameters, context, executemany):
        if not intruded and statement.lstrip().upper().startswith("UPDATE DONATION SET STATUS"):
            intruded.append(True)
            cursor.execute(f"UPDATE donation SET status = 'failed' WHERE id = {donation_id}")

    event.listen(db.engine, "before_cursor_execute", concurrent_failure)
    try:
        outcome = donations.record_success(
            payment_intent("pi_unit_1", amount=700, donation_id=donation_id), event_id="evt_race"
        )
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", concurrent_failure)
    assert intruded, "the hook ran"
    assert outcome.code == OutcomeCode.COUNTED
    assert db.session.get(Donation, donation_id).status == donations.SUCCEEDED
    assert campaign_totals(app) == (700, 1)
    moves = db.session.scalars(
        sa.select(DonationTransition.from_status).where(
            DonationTransition.donation_id == donation_id
        )
    ).all()
    assert moves == ["failed"], "the log names the state it really left"
