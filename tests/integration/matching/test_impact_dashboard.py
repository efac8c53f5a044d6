"""The dashboard's matched giving and milestone forms: good input is stored and audited;
bad input is a 400 with a message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, GiftMatch, Milestone, OfflineGift
from fundraiser.models.types import utcnow
from tests.support.dashboard import post_form
from tests.support.matching import figures

MATCHING = "/dashboard/matching"
MILESTONES = "/dashboard/milestones"


def stamp(minutes: int) -> str:
    return (utcnow() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def snapshot(app: Flask) -> tuple[object, ...]:
    """Everything these forms could change."""
    with app.app_context():
        counts = tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (GiftMatch, Milestone, OfflineGift, AuditEntry)
        )
        campaign = db.session.execute(
            sa.select(Campaign.raised_minor, Campaign.matched_minor, Campaign.cost_per_person_minor)
        ).one()
        return (*counts, *campaign)


def match(client: FlaskClient, **fields: str):
    data = {"matcher_name": "Ada", "amount": "500", "starts_at": stamp(-1), "ends_at": stamp(60)}
    return post_form(client, MATCHING, MATCHING, **{**data, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": ""},
        {"amount": "0"},
        {"amount": "-5"},
        {"amount": "12.345"},
        {"amount": "lots"},
        {"amount": "9" * 40},
        {"starts_at": ""},
        {"starts_at": "yesterday"},
        {"ends_at": stamp(-30), "starts_at": stamp(-60)},  # over already
        {"ends_at": stamp(-1), "starts_at": stamp(10)},  # ends before it starts
        {"matcher_name": "x" * 121},
    ],
)
def test_bad_match_is_400_and_changes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, fields: dict[str, str]
) -> None:
    before = snapshot(app)
    response = match(logged_in, **fields)
    assert response.status_code == 400, fields
    assert 'class="flash flash-error" role="alert"' in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_match_recorded_paid_and_ended_from_the_dashboard(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    assert match(logged_in).status_code == 302
    assert match(logged_in, starts_at=stamp(30), ends_at=stamp(90)).status_code == 400, (
        "overlapping windows are refused"
    )
    with app.app_context():
        match_id = db.session.scalar(sa.select(GiftMatch.id))
        actions = list(db.session.scalars(sa.select(AuditEntry.action)))
    assert "match_add" in actions
    page = logged_in.get(MATCHING).get_data(as_text=True)
    assert "Ada" in page and "£500.00" in page and "running" in page

    received = f"{MATCHING}/{match_id}/received"
    before = snapshot(app)
    for bad in ("", "0", "-1", "abc", "1.001"):
        assert post_form(logged_in, MATCHING, received, amount=bad).status_code == 400, bad
    assert snapshot(app) == before
    assert post_form(logged_in, MATCHING, f"{MATCHING}/999/received", amount="5").status_code == 404

    assert post_form(logged_in, MATCHING, received, amount="12.50").status_code == 302
    assert figures(app, match_id)["raised"] == 1250 and figures(app, match_id)["received"] == 1250
    with app.app_context():
        paid = db.session.scalar(sa.select(OfflineGift))
        assert paid is not None and paid.match_id == match_id
        assert "offline_add" in db.session.scalars(sa.select(AuditEntry.action)).all()

    end = f"{MATCHING}/{match_id}/end"
    assert post_form(logged_in, MATCHING, end).status_code == 302
    assert post_form(logged_in, MATCHING, end).status_code == 400, "not running any more"
    with app.app_context():
        assert db.session.get_one(GiftMatch, match_id).ends_at <= utcnow()


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": "", "label": "x"},
        {"amount": "0", "label": "x"},
        {"amount": "4500", "label": "", "label_ru": ""},
        {"amount": "4500", "label": "x" * 121},
        {"amount": "4500.999", "label": "x"},
    ],
)
def test_bad_milestone_is_400_and_changes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, fields: dict[str, str]
) -> None:
    before = snapshot(app)
    assert post_form(logged_in, MILESTONES, MILESTONES, **fields).status_code == 400
    assert snapshot(app) == before


def test_milestones_and_cost_from_the_dashboard(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, client: FlaskClient
) -> None:
    ok = post_form(
        logged_in, MILESTONES, MILESTONES, amount="4500", label="one more person out", label_ru=""
    )
    assert ok.status_code == 302
    before = snapshot(app)
    again = post_form(logged_in, MILESTONES, MILESTONES, amount="4500", label="twice")
    assert again.status_code == 400 and snapshot(app) == before
    assert "no Russian" in logged_in.get(MILESTONES).get_data(as_text=True)

    cost = f"{MILESTONES}/cost"
    for bad in ("0", "-3", "ten", "1.234"):
        assert post_form(logged_in, MILESTONES, cost, cost=bad).status_code == 400, bad
    assert snapshot(app) == before
    assert post_form(logged_in, MILESTONES, cost, cost="1500").status_code == 302
    body = client.get("/api/progress").json
    assert body["people"] == 0 and body["milestones"]["next"]["label"] == "one more person out"
    assert post_form(logged_in, MILESTONES, cost, cost="").status_code == 302
    assert client.get("/api/progress").json["people"] is None

    with app.app_context():
        milestone_id = db.session.scalar(sa.select(Milestone.id))
    remove = f"{MILESTONES}/{milestone_id}/remove"
    assert post_form(logged_in, MILESTONES, remove).status_code == 302
    assert post_form(logged_in, MILESTONES, remove).status_code == 400
    assert client.get("/api/progress").json["milestones"]["total"] == 0
