"""Moderation of public names and messages, the word list, and the supporters' wall."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, ModerationState, Team
from fundraiser.services.moderation import moderation
from tests.support.dashboard import make_donation, post_form
from tests.support.harness import LocalStripe
from tests.support.http import donate
from tests.support.team_dashboard import team_organiser

MESSAGES = "/dashboard/messages"


def states(app: Flask) -> dict[str | None, str | None]:
    """Each donation's moderation state, by its message (or display name)."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Donation))
        return {(d.message or d.display_name): d.moderation for d in rows}


def gift(app: Flask, campaign: Campaign, amount: int = 400, **fields: object) -> str:
    """A counted gift with the moderation state its public fields call for; its public id."""
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        fields.setdefault(
            "moderation",
            moderation.initial_state(
                row,
                bool(fields.get("name_public")),
                fields.get("display_name"),  # type: ignore[arg-type]
                fields.get("message"),  # type: ignore[arg-type]
            ),
        )
        return make_donation(row, amount, **fields).public_id


def decide(client: FlaskClient, public_id: str, decision: str):
    return post_form(client, MESSAGES, f"{MESSAGES}/{public_id}", decision=decision)


def save_settings(client: FlaskClient, words: str, show_amounts: bool = False):
    fields = {"words": words, **({"show_amounts": "on"} if show_amounts else {})}
    return post_form(client, MESSAGES, f"{MESSAGES}/settings", **fields)


def wall_text(client: FlaskClient) -> str:
    return client.get("/supporters").get_data(as_text=True)


@pytest.mark.stripe
def test_the_donate_form_sets_the_starting_state(
    app: Flask,
    logged_in: FlaskClient,
    campaign: Campaign,
    localstripe: LocalStripe,
) -> None:
    assert save_settings(logged_in, "Scab\nbad phrase").status_code == 303
    for fields in (
        {"display_name": "Sam", "name_public": True, "message": "Stay safe"},
        {"display_name": "Hidden Name", "name_public": False},
        {"display_name": "Jo", "name_public": True, "message": "no SCAB here!"},
        {"message": "this is a Bad   Phrase indeed"},
        {"message": "scabbard is not a match"},
    ):
        # A fresh visitor each: one session's unpaid donation would be reused.
        assert donate(app.test_client(), **fields).status_code == 200
    assert states(app) == {
        "Stay safe": ModerationState.PENDING,
        "Hidden Name": None,  # a name the donor kept private and no message: nothing public
        "no SCAB here!": ModerationState.HELD,
        "this is a Bad   Phrase indeed": ModerationState.HELD,
        "scabbard is not a match": ModerationState.PENDING,
    }


def test_nothing_shows_until_approved_and_hidden_goes_again(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    named = gift(
        app, campaign, 700, display_name="Ada Lovelace", name_public=True, message="Solidarity"
    )
    anonymous = gift(
        app, campaign, 2000, display_name="Secret Sam", name_public=False, message="From a friend"
    )
    gift(app, campaign, 400)  # nothing public: never in the queue, never on the wall
    for page in (wall_text(client), client.get("/").get_data(as_text=True)):
        assert "Solidarity" not in page and "Ada Lovelace" not in page
    assert client.get("/api/supporters").json == {"supporters": []}
    queue = logged_in.get(MESSAGES).get_data(as_text=True)
    assert queue.count("data-donation=") == 2 and 'data-count="2"' in queue

    assert decide(logged_in, named, "approve").status_code == 303
    assert decide(logged_in, anonymous, "approve").status_code == 303
    wall = wall_text(client)
    assert "Ada Lovelace" in wall and "Solidarity" in wall and "From a friend" in wall
    assert "Secret Sam" not in wall and "Secret Sam" not in client.get("/").get_data(as_text=True)
    assert "Solidarity" in client.get("/").get_data(as_text=True), "a few on the campaign page"

    entries = client.get("/api/supporters").json["supporters"]
    assert sorted(entries, key=lambda e: e["message"]) == [
        {
            "name": None,
            "message": "From a friend",
            "amount": None,
            "currency": None,
            "date": "2017-04-20",
        },
        {
            "name": "Ada Lovelace",
            "message": "Solidarity",
            "amount": None,
            "currency": None,
            "date": "2017-04-20",
        },
    ]
    body = client.get("/api/supporters").get_data(as_text=True)
    assert named not in body and anonymous not in body and "12:" not in body

    assert decide(logged_in, named, "hide").status_code == 303
    assert "Solidarity" not in wall_text(client) and "From a friend" in wall_text(client)
    with app.app_context():
        audits = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "moderation").order_by(AuditEntry.id)
        ).all()
        assert [(a.detail["donation"], a.detail["after"]) for a in audits] == [
            (named, "approved"),
            (anonymous, "approved"),
            (named, "hidden"),
        ]


def test_amounts_only_when_the_organiser_says_so(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    public_id = gift(app, campaign, 1234, message="Here you go")
    decide(logged_in, public_id, "approve")
    assert client.get("/api/supporters").json["supporters"][0]["amount"] is None
    assert "£12.34" not in wall_text(client)
    assert save_settings(logged_in, "", show_amounts=True).status_code == 303
    entry = client.get("/api/supporters").json["supporters"][0]
    assert (entry["amount"], entry["currency"]) == (1234, "gbp")
    assert "£12.34" in wall_text(client)


def test_new_words_hold_back_what_is_still_pending(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    gift(app, campaign, message="you lot are rubbish")
    approved = gift(app, campaign, message="rubbish weather, good cause")
    gift(app, campaign, message="well done")
    decide(logged_in, approved, "approve")
    assert save_settings(logged_in, "Rubbish").status_code == 303
    assert states(app) == {
        "you lot are rubbish": ModerationState.HELD,
        "rubbish weather, good cause": ModerationState.APPROVED,  # a decision already made stands
        "well done": ModerationState.PENDING,
    }
    page = logged_in.get(MESSAGES).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="words"[^>]*>Rubbish</textarea>', page)
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "moderation_settings")
        ).one()
        assert "Rubbish" not in str(entry.detail) and entry.detail["newly_held"] == 1


def test_bad_requests_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    public_id = gift(app, campaign, message="hello")
    silent = gift(app, campaign, 400)
    assert decide(logged_in, public_id, "publish").status_code == 400
    assert decide(logged_in, "nope", "approve").status_code == 400
    assert decide(logged_in, silent, "approve").status_code == 400, "nothing public to moderate"
    assert post_form(logged_in, MESSAGES, f"{MESSAGES}/settings").status_code == 400
    assert save_settings(logged_in, "x" * 61).status_code == 400
    assert logged_in.get(MESSAGES + "?view=everything").status_code == 400
    assert states(app) == {"hello": ModerationState.PENDING, None: None}
    with app.app_context():
        assert db.session.get_one(Campaign, campaign.id).moderation_words == []


def test_team_organisers_cannot_moderate(app: Flask, campaign: Campaign, glasgow: Team) -> None:
    public_id = gift(app, campaign, message="hello")
    team_client = team_organiser(app, "team@example.org", glasgow)
    assert team_client.get(MESSAGES).status_code == 403
    assert team_client.post(
        f"{MESSAGES}/{public_id}", data={"decision": "approve"}
    ).status_code in (
        400,
        403,
    )
    assert states(app) == {"hello": ModerationState.PENDING}


def test_word_matching_is_whole_words_any_case() -> None:
    assert moderation.matches_word_list(["scab"], "You SCAB.")
    assert not moderation.matches_word_list(["scab"], "scabbard")
    assert moderation.matches_word_list(["bad phrase"], None, "a bad phrase")
    assert not moderation.matches_word_list([], "anything")
    assert moderation.parse_words("a, b\nA\n  c  d \n\n") == ["a", "b", "c d"]
