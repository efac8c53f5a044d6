"""Pledges, payday links and the outbox are campaign-wide: a team organiser sees none of
them (pledges and emails belong to no team), nor links to them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign, Team
from tests.support.dashboard import hidden_fields, make_pledge_row
from tests.support.team_dashboard import team_organiser

PAGES = ("/dashboard/pledges", "/dashboard/pledges.csv", "/dashboard/links", "/dashboard/outbox")


def test_team_organisers_get_403_and_no_links_to_these_pages(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    with app.app_context():
        make_pledge_row(campaign, 700, datetime.now(UTC).date(), email="pat@example.org")
    ali = team_organiser(app, "ali@glasgow.example", glasgow)
    for path in PAGES:
        response = ali.get(path)
        assert response.status_code == 403, path
        assert "pat@example.org" not in response.get_data(as_text=True)
    token = hidden_fields(ali.get("/dashboard/").get_data(as_text=True))
    assert ali.post("/dashboard/outbox/send", data=token).status_code == 403
    assert ali.post("/dashboard/links", data={**token, "code": "x"}).status_code == 403

    team_page = ali.get("/dashboard/").get_data(as_text=True)
    whole = logged_in.get("/dashboard/").get_data(as_text=True)
    for path in ("/dashboard/pledges", "/dashboard/links", "/dashboard/outbox"):
        assert f'href="{path}"' not in team_page and f'href="{path}"' in whole
    for path in PAGES:
        assert logged_in.get(path).status_code == 200
