"""Teams: creating them, their pages, their totals and the public leaderboard."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Team
from fundraiser.services.teams import teams
from fundraiser.webhooks import ledger
from tests.support.factories import deliver, give, make_team, pending_donation, succeeded_event
from tests.support.harness import LocalStripe, campaign_totals
from tests.support.http import csrf_token, donate


def team_totals(app: Flask) -> dict[str, tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Team.slug, Team.raised_minor, Team.donations_count))
        return {slug: (int(raised), int(count)) for slug, raised, count in rows}


@pytest.fixture
def glasgow(app: Flask, campaign: Campaign) -> Team:
    return make_team(
        app,
        campaign.id,
        "Glasgow Pride",
        slug="glasgow",
        target_minor=200_000,
        note="George Square",
    )


@pytest.fixture
def hull(app: Flask, campaign: Campaign) -> Team:
    return make_team(app, campaign.id, "Hull Pride")


def test_team_totals_add_up_to_the_campaign_total_of_team_donations(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> None:
    gifts = [(400, glasgow.id), (700, glasgow.id), (2000, hull.id), (250, None), (400, hull.id)]
    for amount, team_id in gifts:
        give(app, client, campaign.id, amount, team_id=team_id)
    # A covered gift counts its gift, not the cover, for the team as for the campaign.
    give(app, client, campaign.id, 400, team_id=glasgow.id, fee_cover=27)
    totals = team_totals(app)
    assert totals == {"glasgow": (1500, 3), "hull-pride": (2400, 2)}
    with app.app_context():
        from_rows = db.session.execute(
            sa.select(sa.func.sum(Donation.amount_minor), sa.func.count()).where(
                Donation.status == "succeeded", Donation.team_id.is_not(None)
            )
        ).one()
    assert sum(r for r, _ in totals.values()) == from_rows[0] == 3900
    assert sum(c for _, c in totals.values()) == from_rows[1] == 5
    assert campaign_totals(app) == (3900 + 250, 6)


def test_a_repeated_or_failed_event_moves_no_team(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    donation = pending_donation(app, campaign.id, amount=400, team_id=glasgow.id)
    evt = succeeded_event(donation)
    outcomes = [deliver(client, evt).json["outcome"] for _ in range(3)]
    assert outcomes == ["counted", "duplicate", "duplicate"]
    assert deliver(client, succeeded_event(donation)).json["outcome"] == "already"
    assert team_totals(app)["glasgow"] == (400, 1)


def test_a_handler_crash_rolls_the_team_back_with_the_campaign(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    glasgow: Team,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ledger.HANDLERS["payment_intent.succeeded"]

    def broken(event: dict) -> str:
        real(event)
        raise RuntimeError("connection lost")

    monkeypatch.setitem(ledger.HANDLERS, "payment_intent.succeeded", broken)
    evt = succeeded_event(pending_donation(app, campaign.id, amount=700, team_id=glasgow.id))
    assert deliver(client, evt).status_code == 500
    assert team_totals(app)["glasgow"] == (0, 0)
    assert campaign_totals(app) == (0, 0)
    monkeypatch.setitem(ledger.HANDLERS, "payment_intent.succeeded", real)
    assert deliver(client, evt).json["outcome"] == "counted"
    assert team_totals(app)["glasgow"] == (700, 1)


def test_team_page_shows_the_shared_total_above_the_teams_own(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> None:
    give(app, client, campaign.id, 700, team_id=glasgow.id)
    give(app, client, campaign.id, 2000)
    html = client.get("/t/glasgow").get_data(as_text=True)
    assert "<title>Glasgow Pride: Test drive</title>" in html
    body = html[html.index("<body>") :]
    shared = re.search(r"£27.00 raised of £50,000\s+from 2 donations", body)
    own = re.search(r"£7.00 raised of £2,000\s+from 1 donation<", body)
    assert shared and own
    assert shared.start() < own.start() < body.index('id="donate-form"')
    assert re.search(
        r'<h2 id="team-heading">Glasgow Pride</h2>\s*<p class="team-note">George Square', html
    )
    assert 'data-progress-url="/api/teams/glasgow/progress"' in html
    assert 'name="team" type="hidden" value="glasgow"' in html
    # A team with no target of its own shows its total without a bar.
    hull_html = client.get("/t/hull-pride").get_data(as_text=True)
    assert re.search(r"£0.00 raised\s+from 0 donations", hull_html)
    assert hull_html.count('role="progressbar"') == 1  # the shared bar only


def test_team_progress_json_matches_the_team(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    give(app, client, campaign.id, 400, team_id=glasgow.id)
    body = client.get("/api/teams/glasgow/progress").json
    assert (body["raised"], body["donations"], body["target"]) == (400, 1, 200_000)
    assert (body["raised_display"], body["team"]) == ("£4.00", "Glasgow Pride")


def test_team_addresses_ignore_case(client: FlaskClient, glasgow: Team) -> None:
    assert client.get("/t/Glasgow").status_code == 200


def test_unknown_team_is_a_404(client: FlaskClient, campaign: Campaign) -> None:
    assert client.get("/t/nowhere").status_code == 404
    assert client.get("/api/teams/nowhere/progress").json == {"error": "There is no such team."}


def test_a_gift_through_the_team_page_carries_the_team(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, localstripe: LocalStripe
) -> None:
    token = csrf_token(client, "/t/glasgow")
    response = donate(client, token, amount="4", team="glasgow")
    assert response.status_code == 200, response.json
    with app.app_context():
        row = db.session.scalars(sa.select(Donation)).one()
        assert (row.team_id, row.amount_minor) == (glasgow.id, 400)


def test_a_gift_naming_no_real_team_is_refused(
    app: Flask, client: FlaskClient, campaign: Campaign, localstripe: LocalStripe
) -> None:
    localstripe.flush()
    response = donate(client, amount="4", team="atlantis")
    assert response.status_code == 400
    assert response.json["error"].startswith("That team doesn't exist")
    assert localstripe.intent_count() == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Donation)) == 0


def test_a_team_of_another_campaign_cannot_be_named(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    make_team(app, campaign.id, "Leeds")
    with app.app_context():
        from fundraiser.services.campaigns import campaigns

        newer = campaigns.create_campaign(title="Newer drive", target_minor=1000)
        assert teams.by_slug(newer, "leeds") is None
    assert client.get("/t/leeds").status_code == 404  # the site shows the newest campaign


def test_leaderboard_ranks_teams_and_shows_no_personal_data(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> None:
    personal = {
        "display_name": "Sasha Secretname",
        "name_public": True,
        "email": "sasha@private.example",
        "message": "A very private message",
    }
    give(app, client, campaign.id, 700, team_id=glasgow.id, **personal)
    give(app, client, campaign.id, 2000, team_id=hull.id, **personal)
    give(app, client, campaign.id, 400, team_id=hull.id, source="newsletter")
    pages = {
        "/teams": client.get("/teams").get_data(as_text=True),
        "/": client.get("/").get_data(as_text=True),
        "/api/teams": client.get("/api/teams").get_data(as_text=True),
    }
    for path, text in pages.items():
        for secret in ("Sasha", "Secretname", "sasha@", "private", "newsletter"):
            assert secret not in text, f"{secret!r} leaked on {path}"
    board = client.get("/api/teams").json["teams"]
    assert [(t["rank"], t["name"], t["raised"], t["donations"]) for t in board] == [
        (1, "Hull Pride", 2400, 2),
        (2, "Glasgow Pride", 700, 1),
    ]
    assert set(board[0]) == {
        "rank",
        "name",
        "slug",
        "currency",
        "raised",
        "donations",
        "target",
        "raised_display",
    }
    rows = re.findall(
        r"<tr[^>]*>\s*<td>(\d)</td>\s*<th scope=\"row\"><a [^>]*>([^<]+)</a></th>\s*<td>([^<]+)</td>\s*<td>(\d+)</td>",
        pages["/teams"],
    )
    assert rows == [("1", "Hull Pride", "£24.00", "2"), ("2", "Glasgow Pride", "£7.00", "1")]
    assert "Teams" in pages["/"] and "Hull Pride" in pages["/"]


def test_no_teams_means_no_leaderboard_on_the_campaign_page(
    client: FlaskClient, campaign: Campaign
) -> None:
    assert "leaderboard" not in client.get("/").get_data(as_text=True)
    assert "No teams yet." in client.get("/teams").get_data(as_text=True)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"name": "  "}, "The team needs a name."),
        ({"name": "X", "slug": "Bad Slug"}, "The slug may hold only"),
        ({"name": "X", "slug": "-x"}, "The slug may hold only"),
        ({"name": "X", "target_minor": 0}, "A team target must be more than zero."),
        ({"name": "X", "note": "n" * 301}, "The note can be at most 300 characters."),
        ({"name": "Glasgow Pride"}, "There is already a team called"),
        ({"name": "Other", "slug": "glasgow"}, "There is already a team at /t/glasgow."),
    ],
)
def test_bad_team_settings_are_refused(
    app: Flask, campaign: Campaign, glasgow: Team, kw: dict, message: str
) -> None:
    with app.app_context(), pytest.raises(teams.TeamError, match=re.escape(message)):
        teams.create_team(db.session.get(Campaign, campaign.id), **kw)  # type: ignore[arg-type]


def test_slugs_come_from_names_and_never_collide(app: Flask, campaign: Campaign) -> None:
    assert make_team(app, campaign.id, "Pride in Hull!").slug == "pride-in-hull"
    assert make_team(app, campaign.id, "Pride  in HULL").slug == "pride-in-hull-2"
    assert make_team(app, campaign.id, "Прайд").slug == "team"


def test_cli_creates_a_team_in_the_current_campaign(app: Flask, campaign: Campaign) -> None:
    runner = app.test_cli_runner()
    args = ["fundraiser", "create-team", "Norwich Pride", "--slug", "norwich", "--target", "500"]
    result = runner.invoke(args=[*args, "--note", "Meet at the Forum"])
    assert result.exit_code == 0, result.output
    assert "Created team 'Norwich Pride' at /t/norwich (target £500)." in result.output
    with app.app_context():
        team = db.session.scalars(sa.select(Team)).one()
        assert (team.campaign_id, team.target_minor, team.note) == (
            campaign.id,
            50_000,
            "Meet at the Forum",
        )
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "There is already a team" in again.output
    bad = runner.invoke(args=["fundraiser", "create-team", "Leeds", "--target", "lots"])
    assert bad.exit_code == 1
    assert "--target: Please enter an amount in numbers" in bad.output


def test_cli_needs_a_campaign(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["fundraiser", "create-team", "Leeds"])
    assert result.exit_code == 1
    assert "There is no campaign yet" in result.output


def test_thanks_page_shares_the_team_page_and_names_the_cover(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    donation = give(app, client, campaign.id, 400, team_id=glasgow.id, fee_cover=27)
    html = client.get(f"/thanks/{donation.public_id}").get_data(as_text=True)
    assert 'data-campaign-url="http://localhost/t/glasgow"' in html
    assert 'readonly value="http://localhost/t/glasgow?src=share-copy"' in html
    assert "Your £4.00 is confirmed, with £0.27 to cover the card fees." in html
    plain = give(app, client, campaign.id, 700)
    html = client.get(f"/thanks/{plain.public_id}").get_data(as_text=True)
    assert 'readonly value="http://localhost/?src=share-copy"' in html
    assert "Your £7.00 is confirmed. It goes" in html
