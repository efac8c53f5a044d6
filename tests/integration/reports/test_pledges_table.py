"""The pledges table and its CSV, parsed back and compared with the database."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, Pledge
from fundraiser.models.types import utcnow
from fundraiser.money import format_decimal
from tests.support.dashboard import iso, make_donation, make_pledge_row, neutralised, parse_csv

FRIDAY = date(2017, 4, 21)
_ROW = re.compile(r'<tr data-pledge="([0-9a-f]+)"')


def shown(client: FlaskClient, query: str = "") -> list[str]:
    """The public ids of the pledges the table shows, in order."""
    response = client.get("/dashboard/pledges" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return _ROW.findall(response.get_data(as_text=True))


def public_ids(app: Flask, *where: sa.ColumnElement[bool]) -> list[str]:
    """The same, worked out from the database: newest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Pledge.public_id)
                .where(*where)
                .order_by(Pledge.created_at.desc(), Pledge.id.desc())
            )
        )


def seed(app: Flask, campaign: Campaign) -> str:
    """Pledges in every state, one paid by a donation; returns that donation's intent id."""
    with app.app_context():
        make_pledge_row(campaign, 700, FRIDAY, email='=HYPERLINK("x")@example.org')
        make_pledge_row(campaign, 400, FRIDAY + timedelta(days=7), email="+44@example.org")
        make_pledge_row(campaign, 2000, FRIDAY, status="cancelled", cancelled_at=utcnow())
        make_pledge_row(
            campaign, 250, FRIDAY - timedelta(days=7), status="lapsed", reminders_sent=2
        )
        paid = make_pledge_row(
            campaign,
            700,
            FRIDAY,
            status="fulfilled",
            email="Ann.Lee@Example.org",
            consent=False,
            fulfilled_at=utcnow(),
        )
        donation = make_donation(campaign, 700, pledge_id=paid.id)
        return donation.stripe_payment_intent_id or ""


def test_pledges_csv_matches_the_database_row_for_row(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    intent_id = seed(app, campaign)
    response = logged_in.get("/dashboard/pledges.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="pledges-')
    rows = parse_csv(response)

    with app.app_context():
        pledges = list(
            db.session.scalars(
                sa.select(Pledge).order_by(Pledge.created_at.desc(), Pledge.id.desc())
            )
        )
        paid_by = {
            d.pledge_id: d
            for d in db.session.scalars(sa.select(Donation).where(Donation.pledge_id.is_not(None)))
        }
        assert len(rows) == len(pledges) == 5
        for row, p in zip(rows, pledges, strict=True):
            donation = paid_by.get(p.id)
            assert row["pledge_id"] == p.public_id
            assert row["created_at_utc"] == iso(p.created_at)
            assert row["payday"] == p.payday.isoformat()
            assert row["status"] == p.status
            assert row["amount"] == format_decimal(p.amount_minor, "gbp")
            assert row["currency"] == "GBP"
            assert row["email"] == neutralised(p.email)
            assert row["reminders_consent"] == ("yes" if p.consent else "no")
            assert row["reminders_sent"] == str(p.reminders_sent)
            assert row["fulfilled_at_utc"] == iso(p.fulfilled_at)
            assert row["cancelled_at_utc"] == iso(p.cancelled_at)
            assert row["lapsed_at_utc"] == iso(p.lapsed_at)
            assert row["donation_id"] == (donation.public_id if donation else "")
            assert row["stripe_payment_intent"] == (
                donation.stripe_payment_intent_id if donation else ""
            )

    emails = [r["email"] for r in rows]
    assert '\'=HYPERLINK("x")@example.org' in emails
    assert "'+44@example.org" in emails
    assert [r["stripe_payment_intent"] for r in rows if r["status"] == "fulfilled"] == [intent_id]
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.summary == "Exported pledges as CSV")
        )
        assert entry is not None
        assert (entry.actor, entry.action, entry.detail["table"]) == (
            "robin@example.org",
            "export",
            "pledges",
        )


def test_table_shows_each_pledge_with_its_paying_donation(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    intent_id = seed(app, campaign)
    assert shown(logged_in) == public_ids(app)
    html = logged_in.get("/dashboard/pledges").get_data(as_text=True)
    assert intent_id in html, "the paid pledge shows its Stripe id"
    assert "=HYPERLINK(&#34;x&#34;)@example.org" in html, "shown as text, escaped"
    assert 'href="/dashboard/pledges.csv"' in html
    assert html.count('<tr data-pledge="') == 5


def test_filters_by_status_payday_and_email(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    seed(app, campaign)
    assert shown(logged_in, "?status=lapsed") == public_ids(app, Pledge.status == "lapsed")
    on_friday = public_ids(app, Pledge.payday == FRIDAY)
    assert len(on_friday) == 3
    assert shown(logged_in, f"?from={FRIDAY}&to={FRIDAY}") == on_friday
    assert shown(logged_in, f"?from={FRIDAY}&status=pledged") == public_ids(
        app, Pledge.payday >= FRIDAY, Pledge.status == "pledged"
    )
    assert shown(logged_in, "?q=ann.lee@EXAMPLE") == public_ids(
        app, Pledge.email == "Ann.Lee@Example.org"
    )
    assert shown(logged_in, "?q=%25") == [], "a % in the search is a character, not a wildcard"
    rows = parse_csv(logged_in.get(f"/dashboard/pledges.csv?status=pledged&to={FRIDAY}"))
    assert [r["pledge_id"] for r in rows] == public_ids(
        app, Pledge.status == "pledged", Pledge.payday <= FRIDAY
    )


def test_bad_filters_are_explained_and_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    seed(app, campaign)
    for query, message in [
        ("?status=paid", "Choose a status from the list."),
        ("?from=friday", "The from date should look like 2017-04-21."),
        (
            "?from=2017-04-22&to=2017-04-21",
            "The &#39;from&#39; date is after the &#39;to&#39; date.",
        ),
    ]:
        response = logged_in.get("/dashboard/pledges" + query)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
        assert logged_in.get("/dashboard/pledges.csv" + query).status_code == 400
    with app.app_context():
        exports = sa.select(sa.func.count()).where(AuditEntry.action == "export")
        assert db.session.scalar(exports) == 0, "a refused export is not logged as one"


def test_pages_of_fifty_newest_first(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        for n in range(53):
            make_pledge_row(campaign, 100 + n, FRIDAY)
    everything = public_ids(app)
    first, second = shown(logged_in), shown(logged_in, "?page=2")
    assert first + second == everything
    assert (len(first), len(second)) == (50, 3)
    html = logged_in.get("/dashboard/pledges?page=2&status=pledged").get_data(as_text=True)
    assert "Page 2 of 2" in html
    assert 'href="/dashboard/pledges?page=1&amp;status=pledged"' in html
    assert len(parse_csv(logged_in.get("/dashboard/pledges.csv"))) == 53


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/pledges?q=a%00b",
        "/dashboard/pledges.csv?q=%00",
        "/dashboard/donations?q=%00",
        "/dashboard/donations.csv?q=a%00b",
        "/dashboard/donations?source=%00",
        "/dashboard/links/%00/qr.png",
    ],
)
def test_a_nul_in_a_filter_is_no_500(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, path: str
) -> None:
    """PostgreSQL refuses a NUL in any query: control characters never reach one."""
    seed(app, campaign)
    response = logged_in.get(path)
    response.get_data()  # a CSV streams: read it all
    assert response.status_code in (200, 404)
