"""The overview: its figures agree exactly with /api/progress, and add up."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign
from fundraiser.services.reports import stats
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.dashboard import make_donation, make_pledge_row, post_form
from tests.support.harness import WEBHOOK_SECRET

_STAT = re.compile(
    r'data-stat="(?P<name>[\w-]+)"(?: data-(?:minor|count)="(?P<num>\d+)")?>(?P<text>[^<]*)<'
)
_DATA = re.compile(r'<script type="application/json" id="dashboard-data">(.*?)</script>', re.S)


def stat_figures(html: str) -> dict[str, tuple[str | None, str]]:
    return {m["name"]: (m["num"], m["text"]) for m in _STAT.finditer(html)}


def seed(app: Flask, campaign: Campaign, client: FlaskClient) -> None:
    with app.app_context():
        make_donation(campaign, 400, source="glasgow-vigil")
        make_donation(campaign, 400)
        make_donation(campaign, 700, source="livestream")
        make_donation(campaign, 2000, source="livestream")
        make_donation(campaign, 333)
        make_donation(campaign, 900, status="failed")
        disputed = make_donation(campaign, 700).stripe_payment_intent_id or ""
        refunded = make_donation(campaign, 2000).stripe_payment_intent_id or ""
    for event_type, obj in [
        ("refund.created", re_.refund(refunded, 500)),
        ("charge.dispute.created", re_.dispute(disputed, 700)),
    ]:
        body, headers = se.signed(se.event(event_type, obj), WEBHOOK_SECRET)
        assert client.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    today = datetime.now(UTC).date().isoformat()
    response = post_form(
        client,
        "/dashboard/offline",
        "/dashboard/offline",
        amount="123.45",
        received_on=today,
        method="cash",
        source="glasgow-vigil",
        note="bucket at the vigil",
    )
    assert response.status_code == 302


def test_overview_agrees_with_api_progress(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    seed(app, campaign, logged_in)
    api = logged_in.get("/api/progress").json
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    figures = stat_figures(html)
    assert int(figures["raised"][0] or -1) == api["raised"]
    assert figures["raised"][1] == api["raised_display"]
    assert int(figures["target"][0] or -1) == api["target"]
    assert figures["target"][1] == api["target_display"]
    assert int(figures["donations"][0] or -1) == api["donations"]
    assert int(figures["pledged"][0] or -1) == api["pledged"]
    assert figures["percent"][1] == f"{min(100.0, 100 * api['raised'] / api['target']):.1f}%"

    # The same figures from the database, worked out independently of the service.
    gross = 400 + 400 + 700 + 2000 + 333 + 700 + 2000
    assert api["raised"] == gross - 500 - 700 + 12345
    assert api["donations"] == 7
    assert int(figures["refunded"][0] or -1) == 500
    assert int(figures["disputed"][0] or -1) == 700
    assert figures["average"][1] == "£9.33"  # 6533 / 7 = 933.3 pence
    assert "do not add up" not in html

    chart = json.loads(_DATA.search(html).group(1))  # type: ignore[union-attr]
    daily = chart["daily"]
    today = datetime.now(UTC).date().isoformat()
    assert daily["days"][-1] == today, "no deadline: the axis ends today"
    assert daily["cumulative"][-1] == api["raised"], "the running total ends at raised"
    assert daily["target"] == api["target"]
    assert sum(daily["online"]) == gross and sum(daily["offline"]) == 12345
    assert sum(daily["refunds"]) == -1200
    tiers = {t["label"]: (t["count"], t["amount"]) for t in chart["tiers"]}
    assert tiers == {
        "a pint": (2, 800),
        "a cocktail": (2, 1400),
        "a round": (2, 4000),
        "another amount": (1, 333),
    }
    sources = {s["label"]: (s["count"], s["amount"]) for s in chart["sources"]}
    assert sources == {
        "direct": (4, 400 + 333 + 700 + 2000),
        "glasgow-vigil": (1, 400),
        "livestream": (2, 2700),
        "offline: glasgow-vigil": (1, 12345),
    }


def test_overview_with_nothing_yet(logged_in: FlaskClient, campaign: Campaign) -> None:
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    figures = stat_figures(html)
    assert figures["raised"] == ("0", "£0.00")
    assert figures["average"][1] == "—"
    assert figures["days-left"][1] == "no deadline"


def test_days_left_counts_a_part_day_as_one() -> None:
    now = datetime(2017, 4, 20, 12, tzinfo=UTC)
    assert stats.days_left(None, now) is None
    assert stats.days_left(now + timedelta(days=30), now) == 30
    assert stats.days_left(now + timedelta(days=2, hours=1), now) == 3
    assert stats.days_left(now - timedelta(days=1), now) == 0


def test_chart_days_are_utc_days(app: Flask, logged_in: FlaskClient, campaign: Campaign) -> None:
    with app.app_context():
        late = datetime(2017, 4, 20, 23, 59, 50, tzinfo=UTC)  # succeeds 5 s later: still the 20th
        make_donation(campaign, 400, created_at=late)
        c = db.session.get_one(Campaign, campaign.id)
        c.created_at = datetime(2017, 4, 19, tzinfo=UTC)
        db.session.commit()
        overview = stats.overview(c, now=datetime(2017, 4, 22, tzinfo=UTC))
    daily = overview.daily
    assert daily["days"][:4] == ["2017-04-19", "2017-04-20", "2017-04-21", "2017-04-22"]
    assert daily["online"][:3] == [0, 400, 0]
    assert daily["cumulative"][:3] == [0, 400, 400]
    assert date.fromisoformat(daily["days"][0]) == date(2017, 4, 19)


def test_chart_runs_to_the_deadline_with_the_total_stopping_today(
    app: Flask, campaign: Campaign
) -> None:
    now = datetime(2017, 4, 20, 12, tzinfo=UTC)
    with app.app_context():
        make_donation(campaign, 700, created_at=now - timedelta(hours=1))
        c = db.session.get_one(Campaign, campaign.id)
        c.created_at = now - timedelta(days=1)
        c.deadline = now + timedelta(days=10)
        db.session.commit()
        daily = stats.overview(c, now=now).daily
    assert daily["days"][0] == "2017-04-19" and daily["days"][-1] == "2017-04-30"
    assert daily["cumulative"][:2] == [0, 700]
    assert daily["cumulative"][2:] == [None] * 10


def test_chart_js_is_served_to_organisers_only_and_not_on_public_pages(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    assert "/dashboard/assets/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    asset = logged_in.get("/dashboard/assets/chart.umd.min.js")
    assert asset.status_code == 200 and asset.mimetype == "text/javascript"
    assert b"Chart.js v4" in asset.get_data()[:500]
    for path in ("/",):
        public = client.get(path).get_data(as_text=True)
        assert "chart" not in public.lower() and "dashboard.js" not in public
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 1


def test_pledge_conversion_is_fulfilled_over_due(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    assert "pledge-conversion" not in html, "no pledges yet: no figure"
    today = datetime.now(UTC).date()
    past, future = today - timedelta(days=3), today + timedelta(days=3)
    with app.app_context():
        make_pledge_row(campaign, 700, past, status="fulfilled")
        make_pledge_row(campaign, 700, future, status="fulfilled")  # paid early: due and met
        make_pledge_row(campaign, 400, today)  # payday is today: due
        make_pledge_row(campaign, 400, past, status="lapsed")
        make_pledge_row(campaign, 400, future)  # not due yet
        make_pledge_row(campaign, 2000, past, status="cancelled")  # never due
    # Worked out from the rows above: fulfilled 2; due = 2 fulfilled + today + lapsed.
    html = logged_in.get("/dashboard/").get_data(as_text=True)
    assert stat_figures(html)["pledge-conversion"][1] == "2 / 4"
    assert '<span class="stat-note">50%</span>' in html
    with app.app_context():
        c = db.session.get_one(Campaign, campaign.id)
        yesterday = datetime.combine(today - timedelta(days=1), datetime.min.time(), UTC)
        assert stats.overview(c, now=yesterday).pledge_conversion == (2, 3)
        assert stats.pledge_conversion(c, future) == (2, 5)
