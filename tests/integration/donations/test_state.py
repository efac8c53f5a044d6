"""services.state.move: the compare-and-set both state machines use."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import event

from fundraiser.extensions import db
from fundraiser.models import Campaign, Pledge
from fundraiser.models.types import utcnow
from fundraiser.services import state
from fundraiser.services.pledges import pledges


def make_pledge(campaign: Campaign, status: str = pledges.PLEDGED) -> int:
    pledge = Pledge(
        campaign_id=campaign.id,
        amount_minor=700,
        currency="gbp",
        email="pat@example.org",
        payday=date.today(),
        remind_at=utcnow(),
        status=status,
    )
    db.session.add(pledge)
    db.session.commit()
    return pledge.id


def test_a_pledge_paid_while_it_lapses_ends_fulfilled(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    """The payday job lapses the pledge between the read and the write of its payment."""
    pledge_id = make_pledge(campaign)
    intruded: list[bool] = []

    def lapse_meanwhile(conn, cursor, statement, parameters, context, executemany):
        if not intruded and statement.lstrip().upper().startswith("UPDATE PLEDGE SET STATUS"):
            intruded.append(True)
            cursor.execute(f"UPDATE pledge SET status = 'lapsed' WHERE id = {pledge_id}")

    event.listen(db.engine, "before_cursor_execute", lapse_meanwhile)
    try:
        left = state.move(
            Pledge, pledge_id, pledges.ALLOWED_SOURCES[pledges.FULFILLED], pledges.FULFILLED, {}
        )
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", lapse_meanwhile)
    assert intruded
    assert left == pledges.LAPSED, "it names the state it really left"
    assert db.session.get(Pledge, pledge_id).status == pledges.FULFILLED


def test_a_move_the_state_forbids_writes_nothing(
    app: Flask, app_ctx: None, campaign: Campaign
) -> None:
    pledge_id = make_pledge(campaign, status=pledges.CANCELLED)
    assert state.move(Pledge, pledge_id, {pledges.PLEDGED}, pledges.LAPSED, {}) is None
    db.session.commit()
    assert db.session.get(Pledge, pledge_id).status == pledges.CANCELLED
