"""Teams in the dashboard: their totals, creating one, changing one, and the audit log."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Team
from tests.support.dashboard import post_form
from tests.support.factories import give


def cells(page: str, slug: str) -> dict[str, str]:
    row = re.search(rf'<tr data-team="{slug}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {slug}"
    return dict(re.findall(r'data-cell="(\w+)">([^<]*)<', row.group(1)))


def stored(app: Flask, slug: str) -> Team | None:
    with app.app_context():
        team = db.session.scalar(sa.select(Team).where(Team.slug == slug))
        if team is not None:
            db.session.expunge(team)
        return team


def campaign_version(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(Campaign.totals_version)) or 0)


def audits(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_teams_page_lists_each_team_with_its_totals(
    app: Flask,
    client: FlaskClient,
    logged_in: FlaskClient,
    campaign: Campaign,
    glasgow: Team,
    hull: Team,
) -> None:
    give(app, client, campaign.id, 2000, team_id=glasgow.id)
    give(app, client, campaign.id, 700, team_id=glasgow.id, fee_cover=31)
    give(app, client, campaign.id, 400, team_id=hull.id)
    give(app, client, campaign.id, 5000)  # no team's
    page = logged_in.get("/dashboard/teams").get_data(as_text=True)
    assert cells(page, "glasgow") == {
        "raised": "£27.00",
        "donations": "2",
        "target": "£100",
        "percent": "27.0%",
    }
    assert cells(page, "hull") == {
        "raised": "£4.00",
        "donations": "1",
        "target": "—",
        "percent": "—",
    }
    assert page.index('data-team="glasgow"') < page.index('data-team="hull"'), "most raised first"
    assert "Create a team" in page


def test_creating_a_team_in_the_dashboard(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    response = post_form(
        logged_in,
        "/dashboard/teams",
        "/dashboard/teams",
        name="  Leeds   Pride ",
        slug="Leeds",
        amount="1500",
        note="Millennium Square, Saturday",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/dashboard/teams/leeds"
    team = stored(app, "leeds")
    assert team is not None
    assert (team.name, team.target_minor, team.note, team.campaign_id) == (
        "Leeds Pride",
        150_000,
        "Millennium Square, Saturday",
        campaign.id,
    )
    assert "Created Leeds Pride: its page is /t/leeds." in logged_in.get(
        "/dashboard/teams/leeds"
    ).get_data(as_text=True)
    assert "Leeds Pride" in client.get("/t/leeds").get_data(as_text=True)
    [entry] = audits(app, "team_created")
    assert entry.actor == "robin@example.org"
    assert entry.detail == {
        "team": "leeds",
        "name": "Leeds Pride",
        "target_minor": 150_000,
        "note": "Millennium Square, Saturday",
    }
    # No slug and no target: the slug comes from the name; no bar of its own.
    post_form(logged_in, "/dashboard/teams", "/dashboard/teams", name="Pride in Hull!")
    made = stored(app, "pride-in-hull")
    assert made is not None and made.target_minor is None and made.note == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "The team needs a name."),
        ({"name": "   "}, "The team needs a name."),
        ({"name": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"name": "Leeds", "slug": "Bad Slug"}, "The slug may hold only a-z, 0-9"),
        ({"name": "Leeds", "slug": "glasgow"}, "There is already a team at /t/glasgow."),
        ({"name": "glasgow pride"}, "There is already a team called &#39;glasgow pride&#39;."),
        ({"name": "Leeds", "amount": "0"}, "The amount must be more than zero."),
        ({"name": "Leeds", "amount": "lots"}, "Please enter an amount in numbers"),
        ({"name": "Leeds", "note": "n" * 301}, "The note can be at most 300 characters."),
    ],
)
def test_bad_team_settings_are_explained_and_create_nothing(
    app: Flask, logged_in: FlaskClient, glasgow: Team, fields: dict, message: str
) -> None:
    response = post_form(logged_in, "/dashboard/teams", "/dashboard/teams", **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'class="flash flash-error" role="alert">' + re.escape(message), page), page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 1
    assert [e.detail["team"] for e in audits(app, "team_created")] == ["glasgow"]
    # What was typed stays in the form.
    if fields.get("note"):
        assert fields["note"] in page


def test_changing_a_team_is_audited_and_refreshes_its_badge(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    page = logged_in.get("/dashboard/teams/glasgow").get_data(as_text=True)
    assert 'value="Glasgow Pride"' in page and 'value="100.00"' in page and "George Sq" in page
    badge = client.get("/t/glasgow/badge.svg")
    assert "£0.00 of £100" in badge.get_data(as_text=True)
    version = campaign_version(app)
    change = {"name": "Glasgow Pride Scotland", "amount": "", "note": "Now at the Necropolis"}
    response = post_form(
        logged_in, "/dashboard/teams/glasgow", "/dashboard/teams/glasgow", **change
    )
    assert response.status_code == 302
    team = stored(app, "glasgow")
    assert team is not None
    assert (team.name, team.target_minor, team.note, team.slug) == (
        "Glasgow Pride Scotland",
        None,
        "Now at the Necropolis",
        "glasgow",
    )
    [entry] = audits(app, "team_changed")
    assert entry.actor == "robin@example.org"
    assert entry.detail["changes"] == {
        "name": {"before": "Glasgow Pride", "after": "Glasgow Pride Scotland"},
        "target_minor": {"before": 10_000, "after": None},
        "note": {"before": "George Sq", "after": "Now at the Necropolis"},
    }
    # The badge is cached by its ETag: a changed name or target must change it.
    again = client.get("/t/glasgow/badge.svg", headers={"If-None-Match": badge.headers["ETag"]})
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "Glasgow Pride Scotland raised" in text and "of £100" not in text
    # The campaign page lists the teams and is cached by the campaign's version.
    assert campaign_version(app) > version
    # Saving the same values changes nothing and logs nothing.
    post_form(logged_in, "/dashboard/teams/glasgow", "/dashboard/teams/glasgow", **change)
    assert len(audits(app, "team_changed")) == 1
    assert "Nothing changed." in logged_in.get("/dashboard/teams/glasgow").get_data(as_text=True)


def test_bad_changes_are_explained_and_change_nothing(
    app: Flask, logged_in: FlaskClient, glasgow: Team, hull: Team
) -> None:
    for fields, message in [
        ({"name": "HULL PRIDE", "amount": "100"}, "There is already a team called"),
        ({"name": "Glasgow", "amount": "0.00"}, "more than zero"),
        ({"name": "Glasgow", "amount": "-5"}, "Please enter an amount in numbers"),
        ({"name": "", "amount": "100"}, "The team needs a name."),
    ]:
        response = post_form(
            logged_in, "/dashboard/teams/glasgow", "/dashboard/teams/glasgow", **fields
        )
        assert response.status_code == 400, fields
        assert message in html.unescape(response.get_data(as_text=True)), fields
    team = stored(app, "glasgow")
    assert team is not None and (team.name, team.target_minor) == ("Glasgow Pride", 10_000)
    assert audits(app, "team_changed") == []


def test_unknown_team_page_is_a_404(logged_in: FlaskClient, campaign: Campaign) -> None:
    assert logged_in.get("/dashboard/teams/atlantis").status_code == 404


def test_cli_team_creation_is_audited_too(app: Flask, campaign: Campaign) -> None:
    result = app.test_cli_runner().invoke(args=["fundraiser", "create-team", "Preston Pride"])
    assert result.exit_code == 0, result.output
    [entry] = audits(app, "team_created")
    assert (entry.actor, entry.organiser_id, entry.detail["team"]) == (
        "command line",
        None,
        "preston-pride",
    )
