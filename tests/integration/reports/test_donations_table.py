"""The donations table: newest first, paginated, filtered, searchable, with Stripe ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign
from fundraiser.services.reports.donation_table import PER_PAGE
from tests.support.dashboard import make_donation

_ROW = re.compile(r'<tr data-donation="([^"]+)">')


def listed(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get("/dashboard/donations" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return _ROW.findall(response.get_data(as_text=True))


def test_newest_first_with_stripe_ids_and_pages(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        ids = [make_donation(campaign, 400 + n).public_id for n in range(PER_PAGE + 3)]
    first = listed(logged_in)
    assert first == list(reversed(ids))[:PER_PAGE]
    assert listed(logged_in, "?page=2") == list(reversed(ids))[PER_PAGE:]
    page = logged_in.get("/dashboard/donations").get_data(as_text=True)
    assert "pi_factory_" in page and "Page 1 of 2" in page
    assert listed(logged_in, "?page=999") == []
    assert listed(logged_in, "?page=-1") == first


def test_filters_and_search(app: Flask, logged_in: FlaskClient, campaign: Campaign) -> None:
    with app.app_context():
        a = make_donation(
            campaign,
            400,
            display_name="Alex Doe",
            email="alex@example.org",
            source="livestream",
            created_at=datetime(2017, 4, 18, 9, tzinfo=UTC),
        ).public_id
        b = make_donation(
            campaign,
            700,
            status="failed",
            display_name="Sam",
            email="s@example.org",
            created_at=datetime(2017, 4, 19, 23, 59, tzinfo=UTC),
        ).public_id
        c = make_donation(
            campaign,
            2000,
            email="robin_50%@example.org",
            source="glasgow-vigil",
            created_at=datetime(2017, 4, 20, 0, 1, tzinfo=UTC),
        ).public_id
    assert listed(logged_in, "?status=failed") == [b]
    assert listed(logged_in, "?source=livestream") == [a]
    assert listed(logged_in, "?source=direct") == [b]
    assert listed(logged_in, "?from=2017-04-19&to=2017-04-19") == [b]
    assert listed(logged_in, "?from=2017-04-19") == [c, b]
    assert listed(logged_in, "?q=alex") == [a]
    assert listed(logged_in, "?q=EXAMPLE.ORG&status=succeeded") == [c, a]
    assert listed(logged_in, "?q=50%25") == [c], "% is searched for, not a wildcard"
    assert listed(logged_in, "?q=_") == [c], "_ too"


def test_bad_filters_say_so(app: Flask, logged_in: FlaskClient, campaign: Campaign) -> None:
    with app.app_context():
        make_donation(campaign, 400)
    for query, message in [
        ("?status=stolen", "Choose a status from the list."),
        ("?from=21/04/2017", "The from date should look like 2017-04-21."),
        ("?from=2017-04-21&to=2017-04-20", "after the"),
        ("?source=nowhere", "No donation came through the source"),
    ]:
        response = logged_in.get("/dashboard/donations" + query)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_names_and_messages_are_escaped(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        public_id = make_donation(
            campaign, 400, display_name="<script>alert(1)</script>", message="<b>hi</b>"
        ).public_id
    table = logged_in.get("/dashboard/donations").get_data(as_text=True)
    detail = logged_in.get(f"/dashboard/donations/{public_id}").get_data(as_text=True)
    for html in (table, detail):
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert logged_in.get("/dashboard/donations/nope").status_code == 404
    assert logged_in.get("/dashboard/donations").headers["Cache-Control"] == "no-store"
