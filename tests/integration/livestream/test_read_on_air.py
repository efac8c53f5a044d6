"""/dashboard/read: hosts never get the same message (real threads, two clients), the
read / skip / pin / unpin / put-back moves, conflicts and bad input, audit, and scope."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import (
    AuditEntry,
    Campaign,
    Donation,
    ModerationState,
    OnAirMessage,
    Organiser,
    Team,
)
from fundraiser.services.moderation import on_air
from fundraiser.services.organisers import organisers
from fundraiser.services.organisers.scope import Scope
from tests.support.concurrency import run_at_once
from tests.support.dashboard import hidden_fields, login
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.livestream import message_gift
from tests.support.team_dashboard import team_organiser

READ = "/dashboard/read"


def host(app: Flask, email: str) -> FlaskClient:
    """Another organiser of the whole campaign, logged in in their own browser."""
    with app.app_context():
        organisers.create_organiser(email, ORGANISER_PASSWORD)
    client = app.test_client()
    assert login(client, email, ORGANISER_PASSWORD).status_code == 302
    return client


def current(client: FlaskClient) -> str | None:
    """The public id of the message this host holds, from their page."""
    found = re.search(
        r'data-on-air="current" data-donation="([^"]+)"', client.get(READ).get_data(as_text=True)
    )
    return found.group(1) if found else None


def pinned(client: FlaskClient) -> list[str]:
    html = client.get(READ).get_data(as_text=True)
    return re.findall(r'data-on-air="pinned" data-donation="([^"]+)"', html)


def post(client: FlaskClient, url: str, **fields: str):
    """POST a form of the reading page with the page's CSRF token."""
    token = hidden_fields(client.get(READ).get_data(as_text=True)).get("csrf_token", "")
    return client.post(url, data={"csrf_token": token, **fields})


def take(client: FlaskClient):
    return post(client, READ + "/next")


def act(client: FlaskClient, public_id: str, action: str):
    return post(client, f"{READ}/{public_id}", action=action)


def rows(app: Flask) -> dict[str, tuple[str, str | None]]:
    """Every on-air row: the gift's public id -> (state, desk)."""
    with app.app_context():
        found = db.session.execute(
            sa.select(Donation.public_id, OnAirMessage.state, OnAirMessage.desk).join(
                OnAirMessage, OnAirMessage.donation_id == Donation.id
            )
        ).all()
    return {public_id: (state, desk) for public_id, state, desk in found}


def audit_summaries(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.summary)
                .where(AuditEntry.action == "on_air")
                .order_by(AuditEntry.id)
            )
        )


def test_hosts_in_threads_never_take_the_same_message(app: Flask, campaign: Campaign) -> None:
    gifts = [message_gift(app, campaign, f"Message {n}") for n in range(4)]
    with app.app_context():
        organiser_id = organisers.create_organiser("host@example.org", ORGANISER_PASSWORD).id
    taken: list[str | None] = []
    lock = threading.Lock()
    desks = iter(f"{n:032d}" for n in range(100))

    def one_host() -> None:
        with lock:
            desk = next(desks)
        with app.app_context():
            organiser = db.session.get_one(Organiser, organiser_id)
            got = on_air.claim_next(Scope(campaign.id), desk, organiser)
            with lock:
                taken.append(got.public_id if got else None)
            db.session.remove()

    run_at_once(one_host, threads=6)
    got = [t for t in taken if t is not None]
    assert sorted(got) == sorted(gifts), "every message went to exactly one host"
    assert taken.count(None) == 2, "the hosts left over got nothing"
    assert len({desk for _, desk in rows(app).values()}) == 4
    assert audit_summaries(app) == ["Took a message to read on air"] * 4


def test_two_browsers_get_different_messages_oldest_first_and_opening_takes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    first = message_gift(app, campaign, "The oldest", name="Ada")
    second = message_gift(app, campaign, "The next", name="Secret", public=False)
    message_gift(app, campaign, "Waiting", moderation=ModerationState.PENDING)
    other = host(app, "second-host@example.org")
    page = logged_in.get(READ)
    assert page.status_code == 200 and 'data-waiting="2"' in page.get_data(as_text=True)
    assert rows(app) == {}, "opening the page takes nothing"

    assert take(logged_in).status_code == 303
    assert take(other).status_code == 303
    assert (current(logged_in), current(other)) == (first, second)
    assert take(logged_in).status_code == 303 and current(logged_in) == first, (
        "asking again keeps the message you hold"
    )
    html = other.get(READ).get_data(as_text=True)
    assert "The next" in html and "Anonymous" in html and "Secret" not in html
    assert "Waiting" not in html and "The oldest" not in html

    same_account = app.test_client()
    assert login(same_account, "second-host@example.org", ORGANISER_PASSWORD).status_code == 302
    assert take(same_account).status_code == 303
    assert current(same_account) is None, "a second browser on one account is another host"


def test_read_skip_pin_unpin_and_put_back(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    a, b, c, d = (message_gift(app, campaign, f"Gift {n}") for n in "abcd")
    other = host(app, "second-host@example.org")
    take(logged_in)
    assert current(logged_in) == a

    assert act(logged_in, a, "pin").status_code == 303
    assert pinned(logged_in) == [a] and pinned(other) == [a], "pinned: on top for every host"
    assert current(logged_in) == b, "the next one comes at once"
    assert act(logged_in, b, "read").status_code == 303
    assert current(logged_in) == c
    assert act(logged_in, c, "skip").status_code == 303
    assert current(logged_in) == d
    assert act(logged_in, d, "release").status_code == 303
    assert current(logged_in) is None, "putting back takes no next one"
    take(other)
    assert current(other) == d, "a message put back goes to the next host"

    assert act(other, a, "unpin").status_code == 303
    assert pinned(logged_in) == [] and current(other) == d
    states = {k: state for k, (state, _) in rows(app).items()}
    assert states == {a: "read", b: "read", c: "skipped", d: "claimed"}
    assert audit_summaries(app) == [
        "Took a message to read on air",
        "Pinned a message",
        "Took a message to read on air",
        "Read a message on air",
        "Took a message to read on air",
        "Skipped a message",
        "Took a message to read on air",
        "Put a message back for another host",
        "Took a message to read on air",
        "Unpinned a message",
    ]
    html = logged_in.get(READ).get_data(as_text=True)
    for gone in ("Gift a", "Gift b", "Gift c", "Gift d"):
        assert gone not in html, "read, skipped, unpinned or another host's: not shown"


def test_conflicts_and_bad_input_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    mine, theirs = message_gift(app, campaign, "Mine"), message_gift(app, campaign, "Theirs")
    other = host(app, "second-host@example.org")
    take(logged_in)
    take(other)
    before, audited = rows(app), audit_summaries(app)

    for action in ("read", "skip", "pin", "release"):
        refused = act(logged_in, theirs, action)
        assert refused.status_code == 409, action
        assert "another host has it" in refused.get_data(as_text=True)
    assert act(logged_in, mine, "unpin").status_code == 409, "not pinned"
    for public_id, action in (
        (mine, "delete"),
        (mine, ""),
        ("nope", "read"),
        ("x" * 300, "read"),
    ):
        assert act(logged_in, public_id, action).status_code == 400, (public_id, action)
    no_csrf = logged_in.post(f"{READ}/{mine}", data={"action": "read"})
    assert no_csrf.status_code == 400
    assert rows(app) == before and audit_summaries(app) == audited
    assert current(logged_in) == mine


def test_a_claim_left_too_long_goes_to_another_host_and_hidden_ones_vanish(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    first = message_gift(app, campaign, "Left on a closed laptop")
    second = message_gift(app, campaign, "Hidden later")
    other = host(app, "second-host@example.org")
    take(logged_in)
    with app.app_context():
        row = db.session.scalar(sa.select(OnAirMessage))
        row.claimed_at -= timedelta(minutes=on_air.CLAIM_MINUTES + 1)
        db.session.commit()
    take(other)
    assert current(other) == first, "the oldest free one, taken over"
    assert act(logged_in, first, "read").status_code == 409, "no longer the first host's"

    take(logged_in)
    assert current(logged_in) == second
    with app.app_context():
        gift = db.session.scalar(sa.select(Donation).where(Donation.public_id == second))
        gift.moderation = ModerationState.HIDDEN
        db.session.commit()
    assert current(logged_in) is None, "hidden by a moderator: off the hosts' pages"
    assert act(logged_in, second, "read").status_code == 400


def test_team_organisers_read_only_their_teams_messages(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> None:
    ours = message_gift(app, campaign, "From Glasgow", team_id=glasgow.id)
    theirs = message_gift(app, campaign, "From Hull", team_id=hull.id)
    general = message_gift(app, campaign, "From the main page")
    team_host = team_organiser(app, "glasgow@example.org", glasgow)
    assert team_host.get(READ).status_code == 200
    assert 'data-waiting="1"' in team_host.get(READ).get_data(as_text=True)
    take(team_host)
    assert current(team_host) == ours
    assert act(team_host, ours, "read").status_code == 303
    assert current(team_host) is None, "nothing else is theirs"

    take(logged_in)
    assert current(logged_in) == theirs
    assert act(logged_in, theirs, "pin").status_code == 303
    assert pinned(team_host) == [], "another team's pin is not theirs to see"
    assert act(team_host, theirs, "unpin").status_code == 400
    assert pinned(logged_in) == [theirs] and current(logged_in) == general
