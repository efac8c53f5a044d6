"""Team organisers see only their own team: every page, export and action.

Donors of three kinds (Glasgow's, Hull's, and no team's) each carry a name,
email, message and source label that appear nowhere else, and a Glasgow
organiser's every page and CSV is searched for the others'.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.dashboard.access import TEAM_VIEW_ATTR
from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, Organiser, Refund, Team
from fundraiser.services.campaigns import campaign_settings
from fundraiser.services.offline import offline
from fundraiser.services.organisers import organisers
from fundraiser.services.organisers.scope import ScopeError
from fundraiser.services.refunds import organiser_refunds
from fundraiser.services.teams import teams
from tests.integration.organisers.test_login_required import sample_url
from tests.support.dashboard import hidden_fields, login, post_form
from tests.support.factories import give, paid_donation, pending_donation
from tests.support.harness import ORGANISER_PASSWORD, LocalStripe, campaign_totals
from tests.support.team_dashboard import team_organiser

GLASGOW_ORGANISER = "ali@glasgow.example"
DONORS = {
    "glasgow": ("Gwen Glasgowdonor", "gwen@glasgow.example", "glasgow-flyer"),
    "hull": ("Hana Hulldonor", "hana@hull.example", "hull-flyer"),
    None: ("Dora Directdonor", "dora@direct.example", "direct-flyer"),
}
# Campaign-wide pages: a team organiser gets 403 on each (and on any page added later).
TEAM_VIEWS = {
    "dashboard.overview",
    "dashboard.chart_js",
    "dashboard.donations",
    "dashboard.donations_csv",
    "dashboard.donation",
    "dashboard.refund",
    "dashboard.teams_list",
    "dashboard.team_settings",
    "dashboard.widgets",
    # Issue 12: each organiser's own two-factor login (shows nothing of the campaign).
    "dashboard.two_factor",
    "dashboard.two_factor_start",
    "dashboard.two_factor_confirm",
    "dashboard.two_factor_recovery_codes",
    "dashboard.two_factor_disable",
    # Issue 14: hosts read their own team's approved messages on air (scoped queries).
    "dashboard.read_on_air",
    "dashboard.read_next",
    "dashboard.read_act",
}


@pytest.fixture
def donations(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> dict[str | None, list[Donation]]:
    """Two succeeded gifts for each kind of donor, and a failed one each."""
    made: dict[str | None, list[Donation]] = {}
    for key, team in (("glasgow", glasgow), ("hull", hull), (None, None)):
        name, email, source = DONORS[key]
        personal = {
            "display_name": name,
            "email": email,
            "message": f"Message from {name}",
            "source": source,
        }
        team_id = team.id if team else None
        made[key] = [
            give(app, client, campaign.id, 700, team_id=team_id, **personal),
            give(app, client, campaign.id, 2000, team_id=team_id, name_public=True, **personal),
        ]
        made[key].append(
            pending_donation(
                app, campaign.id, amount=400, team_id=team_id, status="failed", **personal
            )
        )
    return made


@pytest.fixture
def ali(app: Flask, glasgow: Team, organiser: str) -> FlaskClient:
    """Glasgow's organiser, logged in (robin, the campaign organiser, exists too)."""
    return team_organiser(app, GLASGOW_ORGANISER, glasgow)


def forbidden_text(*keys: str | None) -> list[str]:
    words = []
    for key in keys:
        name, email, source = DONORS[key]
        words += [*name.split(), email, source]
    return words


def assert_hidden(text: str, where: str, donations: dict, *keys: str | None) -> None:
    for word in forbidden_text(*keys):
        assert word not in text, f"{word!r} leaked on {where}"
    for key in keys:
        for d in donations[key]:
            assert d.public_id not in text, f"{key} donation id leaked on {where}"
            assert d.stripe_payment_intent_id not in text, f"{key} intent leaked on {where}"


def dashboard_rules(app: Flask) -> list:
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("dashboard.")]


def test_the_pages_open_to_team_organisers_are_exactly_these(app: Flask) -> None:
    # Pinned: opening another page to team organisers must be a deliberate change here.
    marked = {
        rule.endpoint
        for rule in dashboard_rules(app)
        if getattr(app.view_functions[rule.endpoint], TEAM_VIEW_ATTR, False)
    }
    assert marked == TEAM_VIEWS


def test_a_team_organiser_gets_403_on_every_campaign_only_page(
    app: Flask, ali: FlaskClient, donations: dict, campaign: Campaign
) -> None:
    token = hidden_fields(ali.get("/dashboard/teams").get_data(as_text=True))
    checked = set()
    for rule in dashboard_rules(app):
        if rule.endpoint in TEAM_VIEWS:
            continue
        url = sample_url(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token.get("csrf_token", "")} if method != "GET" else None
            response = ali.open(url, method=method, data=data)
            assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            body = response.get_data(as_text=True)
            assert "This page is for organisers of the whole campaign." in body
            assert_hidden(body, f"{method} {url}", donations, "hull", None, "glasgow")
            checked.add(rule.endpoint)
    for expected in (
        "dashboard.settings",
        "dashboard.offline_list",
        "dashboard.offline_edit",
        "dashboard.offline_remove",
        "dashboard.audit_log",
        "dashboard.team_create",
        "dashboard.organisers_list",
        "dashboard.organiser_scope",
    ):
        assert expected in checked
    # Nothing was changed by those posts.
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 2
        assert db.session.get_one(Campaign, campaign.id).title == "Test drive"


def test_a_team_organiser_never_sees_another_teams_donor(
    app: Flask, ali: FlaskClient, donations: dict, glasgow: Team, hull: Team
) -> None:
    own = donations["glasgow"][1]
    pages = [
        "/dashboard/",
        "/dashboard/donations",
        "/dashboard/donations?status=failed",
        "/dashboard/donations?q=hana",
        "/dashboard/donations?q=example",
        f"/dashboard/donations/{own.public_id}",
        "/dashboard/teams",
        "/dashboard/teams/glasgow",
        "/dashboard/widgets",
        "/dashboard/read",
        "/dashboard/donations.csv",
        "/dashboard/donations.csv?q=hull",
        "/dashboard/donations.csv?status=succeeded",
    ]
    seen = {}
    for path in pages:
        response = ali.get(path)
        assert response.status_code in (200, 400), path
        seen[path] = response.get_data(as_text=True)
        assert_hidden(seen[path], path, donations, "hull", None)
    # Their own team's donors are all there, in the table and the export.
    table = seen["/dashboard/donations"]
    assert table.count("data-donation=") == 3
    assert "gwen@glasgow.example" in table and "Gwen Glasgowdonor" in table
    rows = list(csv.DictReader(io.StringIO(seen["/dashboard/donations.csv"].lstrip("\ufeff"))))
    assert sorted(r["donation_id"] for r in rows) == sorted(
        d.public_id for d in donations["glasgow"]
    )
    assert {r["email"] for r in rows} == {"gwen@glasgow.example"}
    assert {r["team"] for r in rows} == {"glasgow"}
    assert seen["/dashboard/donations?q=hana"].count("data-donation=") == 0
    # Another team's source label is not among theirs: explained, nothing shown.
    by_source = ali.get("/dashboard/donations?source=hull-flyer")
    text = by_source.get_data(as_text=True)
    assert by_source.status_code == 400 and text.count("data-donation=") == 0
    assert "No donation came through the source &#39;hull-flyer&#39;." in text
    assert '<option value="hull-flyer"' not in text and '<option value="glasgow-flyer"' in text
    # Another team's (or no team's) donation and team page are refused.
    for d in donations["hull"] + donations[None]:
        assert ali.get(f"/dashboard/donations/{d.public_id}").status_code == 404
    assert ali.get("/dashboard/teams/hull").status_code == 403


def test_a_team_organisers_overview_is_their_teams(
    app: Flask, ali: FlaskClient, logged_in: FlaskClient, donations: dict, glasgow: Team
) -> None:
    with app.app_context():  # a campaign pledge that is due: not the team's business
        from fundraiser.models import Pledge
        from fundraiser.models.types import utcnow

        campaign_id = db.session.get(Team, glasgow.id).campaign_id
        db.session.add(
            Pledge(
                campaign_id=campaign_id,
                amount_minor=700,
                currency="gbp",
                email="pat@example.org",
                payday=utcnow().date(),
                remind_at=utcnow(),
            )
        )
        db.session.commit()
    page = ali.get("/dashboard/").get_data(as_text=True)
    assert 'data-stat="pledge-conversion"' not in page
    assert 'data-stat="pledge-conversion"' in logged_in.get("/dashboard/").get_data(as_text=True)
    assert "<h1>Glasgow Pride: Test drive</h1>" in page
    assert 'data-stat="raised" data-minor="2700"' in page
    assert 'data-stat="donations" data-count="2"' in page
    assert 'data-stat="target" data-minor="10000">£100<' in page
    assert 'data-stat="percent">27.0%<' in page
    assert 'data-stat="pledged"' not in page and 'data-sum="offline"' not in page
    assert "do not add up" not in page
    chart = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert sum(chart["daily"]["online"]) == 2700 and chart["daily"]["target"] == 10_000
    assert [s["label"] for s in chart["sources"]] == ["glasgow-flyer"]
    assert sum(t["amount"] for t in chart["tiers"]) == 2700
    # The campaign organiser still sees everything.
    whole = logged_in.get("/dashboard/").get_data(as_text=True)
    assert 'data-stat="raised" data-minor="8100"' in whole
    # The nav offers only the team's pages.
    for link in (
        "/dashboard/settings",
        "/dashboard/offline",
        "/dashboard/audit",
        "/dashboard/organisers",
    ):
        assert f'href="{link}"' not in page and f'href="{link}"' in whole
    assert "ali@glasgow.example (Glasgow Pride)" in page


def test_a_team_organiser_refunds_only_their_teams_donations(
    app: Flask,
    campaign: Campaign,
    glasgow: Team,
    hull: Team,
    organiser: str,
    localstripe: LocalStripe,
) -> None:
    localstripe.flush()
    ours = paid_donation(app, "20.00", team="glasgow")
    theirs = paid_donation(app, "7.00", team="hull")
    ali = team_organiser(app, GLASGOW_ORGANISER, glasgow)
    # Through the page: refused for Hull's, as if it did not exist.
    own_page = f"/dashboard/donations/{ours.public_id}"
    fields = hidden_fields(ali.get(own_page).get_data(as_text=True))
    other = ali.post(
        f"/dashboard/donations/{theirs.public_id}/refund",
        data={**fields, "amount": "7.00", "confirmed": "yes"},
    )
    assert other.status_code == 404
    # Through the service directly: refused too, before Stripe is asked.
    with app.app_context():
        account = organisers.by_email(GLASGOW_ORGANISER)
        with pytest.raises(organiser_refunds.RefundError, match="your own team"):
            organiser_refunds.refund_from_dashboard(
                theirs.id, amount_minor=700, note="", request_key="k1", organiser=account
            )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0
    assert localstripe.client().v1.refunds.list().data == []
    # Their own team's: refunded, and campaign and team both drop by exactly that.
    done = ali.post(
        f"/dashboard/donations/{ours.public_id}/refund",
        data={**fields, "amount": "5.00", "confirmed": "yes"},
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    assert campaign_totals(app) == (2700 - 500, 2)
    with app.app_context():
        assert db.session.get_one(Team, glasgow.id).raised_minor == 1500
        assert db.session.get_one(Team, hull.id).raised_minor == 700
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "refund"))
        assert entry.actor == GLASGOW_ORGANISER


def test_services_refuse_campaign_wide_actions_to_a_team_organiser(
    app: Flask, ali: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> None:
    with app.app_context():
        account = organisers.by_email(GLASGOW_ORGANISER)
        c = db.session.get_one(Campaign, campaign.id)
        settings = campaign_settings.Settings("Mine now", "", 1, None, [])
        entry = offline.OfflineEntry(500, date(2017, 4, 20), "cash", None, "")
        attempts = [
            lambda: campaign_settings.update(c.id, settings, account),
            lambda: offline.add(c, entry, account),
            lambda: teams.create_team(c, name="Hull Two", organiser=account),
            lambda: teams.update_team(
                hull.id, name="Hull", target_minor=None, note="", organiser=account
            ),
            lambda: organisers.set_team("robin@example.org", None, by=account),
        ]
        for attempt in attempts:
            with pytest.raises(ScopeError):
                attempt()
            db.session.rollback()
        assert db.session.get_one(Campaign, campaign.id).title == "Test drive"
        assert db.session.get_one(Team, hull.id).name == "Hull Pride"
        # Their own team they may change.
        assert teams.update_team(
            glasgow.id,
            name="Glasgow Pride",
            target_minor=20_000,
            note="George Sq",
            organiser=account,
        ) == ["target_minor"]


def test_a_campaign_organiser_limits_another_to_a_team_in_the_dashboard(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, glasgow: Team, donations: dict
) -> None:
    with app.app_context():
        organisers.create_organiser("sam@example.org", ORGANISER_PASSWORD)
        sam_id = organisers.by_email("sam@example.org").id
    sam_client = app.test_client()
    assert login(sam_client, "sam@example.org", ORGANISER_PASSWORD).status_code == 302
    assert sam_client.get("/dashboard/settings").status_code == 200

    page = logged_in.get("/dashboard/organisers").get_data(as_text=True)
    assert 'data-organiser="sam@example.org"' in page
    action = f"/dashboard/organisers/{sam_id}"
    response = post_form(
        logged_in, "/dashboard/organisers", action, **{f"o{sam_id}-team": "glasgow"}
    )
    assert response.status_code == 302
    # Sam's open session is limited at once.
    assert sam_client.get("/dashboard/settings").status_code == 403
    assert_hidden(
        sam_client.get("/dashboard/donations").get_data(as_text=True),
        "sam's table",
        donations,
        "hull",
        None,
    )
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "organiser_scope")
        )
        assert entry.actor == "robin@example.org"
        assert (entry.detail["organiser_email"], entry.detail["before"], entry.detail["after"]) == (
            "sam@example.org",
            None,
            "glasgow",
        )
    # A team that does not exist is refused; back to the whole campaign works.
    bad = post_form(logged_in, "/dashboard/organisers", action, **{f"o{sam_id}-team": "atlantis"})
    assert bad.status_code == 400
    post_form(logged_in, "/dashboard/organisers", action, **{f"o{sam_id}-team": ""})
    assert sam_client.get("/dashboard/settings").status_code == 200


def test_the_last_organiser_of_the_whole_campaign_cannot_be_limited(
    app: Flask, logged_in: FlaskClient, glasgow: Team
) -> None:
    with app.app_context():
        robin_id = organisers.by_email("robin@example.org").id
    action = f"/dashboard/organisers/{robin_id}"
    response = post_form(
        logged_in, "/dashboard/organisers", action, **{f"o{robin_id}-team": "glasgow"}
    )
    assert response.status_code == 400
    assert "the only organiser of the whole campaign" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Organiser, robin_id).team_id is None


def test_cli_creates_and_changes_team_organisers(
    app: Flask, campaign: Campaign, glasgow: Team, organiser: str
) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = app.test_cli_runner().invoke(
            args=["fundraiser", *args], input=ORGANISER_PASSWORD + "\n"
        )
        return result.exit_code, result.output

    def team_of(email: str) -> int | None:
        with app.app_context():
            return organisers.by_email(email).team_id  # type: ignore[union-attr]

    new = ("create-organiser", "--password-stdin", "--team")
    code, out = run(*new, "glasgow", "kim@example.org")
    assert code == 0 and "Created organiser kim@example.org. They see team /t/glasgow only." in out
    assert team_of("kim@example.org") == glasgow.id
    code, out = run(*new, "atlantis", "lee@example.org")
    assert code == 1 and "--team: there is no team at /t/atlantis." in out
    assert organisers_count(app) == 2

    code, out = run("set-organiser-team", "kim@example.org", "--whole-campaign")
    assert code == 0 and "kim@example.org now sees the whole campaign." in out
    assert team_of("kim@example.org") is None
    code, out = run("set-organiser-team", "KIM@example.org", "--team", "glasgow")
    assert code == 0 and "now sees team /t/glasgow only" in out
    assert team_of("kim@example.org") == glasgow.id
    code, out = run(
        "set-organiser-team", "kim@example.org", "--team", "glasgow", "--whole-campaign"
    )
    assert code == 2 and "Give either --team SLUG or --whole-campaign." in out
    code, out = run("set-organiser-team", organiser, "--team", "glasgow")
    assert code == 1 and "the only organiser of the whole campaign" in out


def organisers_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Organiser)) or 0)
