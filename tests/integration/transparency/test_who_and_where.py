"""Who runs the drive and who receives the money: set in the dashboard, shown on the page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Team
from tests.support.dashboard import audit_entries, post_form
from tests.support.team_dashboard import team_organiser

PAGE = "/dashboard/settings/who-and-where"
FIELDS = {
    "organiser_name": "Robin Pride Group",
    "organiser_contact": "robin@example.org",
    "beneficiary_name": "Russian LGBT Network",
    "beneficiary_about": "Evacuates people in danger and gives them a safe place.",
    "beneficiary_url": "https://lgbtnet.org/en/",
    "beneficiary_registration": "1117800012345",
    "endorsement": "We receive every penny of this drive. (The Network)",
}


def stored(app: Flask) -> Campaign:
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        db.session.expunge(campaign)
        return campaign


def test_who_and_where_shows_on_the_page_in_both_languages(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    before = client.get("/").get_data(as_text=True)
    assert "Russian LGBT Network" not in before and "Who is behind this" not in before
    response = post_form(logged_in, PAGE, PAGE, **FIELDS)
    assert response.status_code == 302
    c = stored(app)
    assert {name: getattr(c, name) for name in FIELDS} == FIELDS
    page = client.get("/").get_data(as_text=True)
    assert "Who is behind this" in page and "Organised by Robin Pride Group." in page
    assert '<a href="https://lgbtnet.org/en/" rel="noopener">Russian LGBT Network</a>' in page
    assert "1117800012345" in page and "We receive every penny" in page
    russian = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Кто за этим стоит" in russian and "Организатор: Robin Pride Group." in russian
    assert "Who is behind this" not in russian
    (entry,) = audit_entries(app, "who_and_where")
    assert set(entry.detail["fields"]) == set(FIELDS)
    # The audit names the fields, never the (possibly personal) values.
    assert "robin@example.org" not in str(entry.detail) and "Robin Pride" not in entry.summary
    form = logged_in.get(PAGE).get_data(as_text=True)
    assert 'value="Russian LGBT Network"' in form


def test_bad_who_and_where_changes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    for fields, message in [
        ({"beneficiary_url": "javascript:alert(1)"}, "must start with https://"),
        ({"beneficiary_url": "lgbtnet.org"}, "must start with https://"),
        ({"organiser_name": "x" * 121}, "Organiser&#39;s name"),
        ({"beneficiary_registration": "9" * 65}, "Registration number"),
    ]:
        response = post_form(logged_in, PAGE, PAGE, **{**FIELDS, **fields})
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    after = stored(app)
    assert after.beneficiary_name == "" and after.organiser_name == ""
    assert audit_entries(app, "who_and_where") == []


def test_a_team_organiser_cannot_change_who_and_where(
    app: Flask, campaign: Campaign, glasgow: Team
) -> None:
    team_client = team_organiser(app, "glasgow@example.org", glasgow)
    assert team_client.get(PAGE).status_code == 403
    # A valid CSRF token (from a page the team organiser may open) and still refused.
    response = post_form(team_client, "/dashboard/", PAGE, **FIELDS)
    assert response.status_code == 403
    assert stored(app).beneficiary_name == ""
