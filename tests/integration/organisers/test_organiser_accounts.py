"""Organiser accounts from the dashboard (issue 12): invitations by email, password
resets that do not tell who has an account, deactivation that ends open sessions,
and the list of who has access."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AccountLink, Campaign, Organiser, Team
from fundraiser.models.types import utcnow
from fundraiser.services import tokens
from fundraiser.services.organisers import organiser_accounts, organisers
from tests.support.accounts import audit_actions, audit_text, outbox, post_page, urls
from tests.support.dashboard import login
from tests.support.factories import make_team
from tests.support.harness import ORGANISER_PASSWORD
from tests.support.smtp import SmtpSink

_CSRF = re.compile(r'content="[^"]+">')
NEW = "kim@example.org"
NEW_PASSWORD = "kim's long password"
BASE = "https://give.example.org"


@pytest.fixture
def public_base(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    return BASE


def invite(client: FlaskClient, email: str = NEW, team: str = "", **kw: str):  # type: ignore[no-untyped-def]
    return post_page(
        client,
        "/dashboard/organisers",
        "/dashboard/organisers/invite",
        **{"invite-email": email, "invite-team": team},
        **kw,
    )


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return urlsplit(url).path


def invite_path(smtp: SmtpSink, to: str = NEW) -> str:
    [message] = smtp.to(to)
    [url] = [u for u in urls(message.text) if "/invite/" in u]
    assert url in message.html
    return path_of(url)


def test_invite_by_email_then_choose_a_password_and_log_in(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, smtp: SmtpSink, public_base: str
) -> None:
    # The request's host is localhost: the link must use the public base URL instead.
    response = post_page(
        logged_in,
        "/dashboard/organisers",
        "/dashboard/organisers/invite",
        **{"invite-email": "Kim@Example.org", "invite-team": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    [message] = smtp.to(NEW)
    assert "invited" in message.subject
    path = invite_path(smtp)
    page = logged_in.get("/dashboard/organisers").get_data(as_text=True)
    assert f'data-invite="{NEW}"' in page

    visitor = app.test_client()
    form = visitor.get(path)
    assert form.status_code == 200 and NEW in form.get_data(as_text=True)
    short = post_page(visitor, path, password="short", confirm="short")
    assert short.status_code == 400
    differ = post_page(visitor, path, password=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert differ.status_code == 400
    with app.app_context():
        assert organisers.by_email(NEW) is None  # refusals changed nothing

    done = post_page(visitor, path, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert login(app.test_client(), NEW, NEW_PASSWORD).status_code == 302
    # Single use: the same link again, and its form, are refused.
    assert app.test_client().get(path).status_code == 410
    assert (
        post_page(visitor, "/login", path, password="x" * 12, confirm="x" * 12).status_code == 410
    )

    actions = audit_actions(app)
    assert {"organiser_invited", "organiser_created", "invite_accepted"} <= set(actions)
    token = path.rsplit("/", 1)[1]
    assert token not in audit_text(app) and NEW_PASSWORD not in audit_text(app)
    with app.app_context():
        link = db.session.scalars(sa.select(AccountLink)).one()
        assert token not in link.token_hash and link.used_at is not None


def test_invited_to_a_team_sees_only_that_team(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, smtp: SmtpSink, public_base: str
) -> None:
    make_team(app, campaign.id, "Hull", slug="hull")
    assert invite(logged_in, team="hull").status_code == 302
    visitor = app.test_client()
    post_page(visitor, invite_path(smtp), password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    with app.app_context():
        kim = organisers.by_email(NEW)
        assert kim is not None and kim.team is not None and kim.team.slug == "hull"


def test_refused_invitations_change_nothing(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign, smtp: SmtpSink
) -> None:
    assert invite(logged_in, email=organiser).status_code == 400  # already an organiser
    assert invite(logged_in, email="not an address").status_code == 400
    assert invite(logged_in, team="no-such-team").status_code == 400
    assert smtp.received == [] and outbox(app) == []
    assert "organiser_invited" not in audit_actions(app)


def test_forged_expired_and_superseded_links_are_refused(
    app: Flask, campaign: Campaign, smtp: SmtpSink, public_base: str
) -> None:
    with app.app_context():
        first = organiser_accounts.invite(NEW)
        second = organiser_accounts.invite(NEW)
    client = app.test_client()
    assert client.get(path_of(first.url)).status_code == 410  # a newer link was sent
    assert client.get(path_of(second.url)).status_code == 200
    assert client.get(path_of(second.url)[:-3]).status_code == 400  # cut short
    with app.app_context():
        # Signed correctly but for a value never stored: refused.
        forged = tokens.sign(tokens.INVITE, "made-up")
        # A link older than its lifetime, even with a live row.
        old = tokens.sign(tokens.INVITE, "x", issued_at=utcnow() - timedelta(days=4))
        # A reset token is not an invitation.
        wrong = tokens.sign(tokens.RESET, "x")
        db.session.execute(sa.update(AccountLink).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert client.get(f"/invite/{forged}").status_code == 400
    assert client.get(f"/invite/{old}").status_code == 410
    assert client.get(f"/invite/{wrong}").status_code == 400
    assert client.get(path_of(second.url)).status_code == 410  # its row has expired
    with app.app_context():
        assert organisers.by_email(NEW) is None


def test_a_team_organiser_cannot_invite(app: Flask, campaign: Campaign, smtp: SmtpSink) -> None:
    team: Team = make_team(app, campaign.id, "Hull", slug="hull")
    with app.app_context():
        organisers.create_organiser("ali@example.org", ORGANISER_PASSWORD, team=team)
    ali = app.test_client()
    login(ali, "ali@example.org", ORGANISER_PASSWORD)
    token_page = ali.get("/dashboard/teams").get_data(as_text=True)
    from tests.support.dashboard import hidden_fields

    response = ali.post(
        "/dashboard/organisers/invite",
        data={**hidden_fields(token_page), "invite-email": NEW, "invite-team": ""},
    )
    assert response.status_code == 403
    assert outbox(app) == []


# --- Password reset ---


def reset_path(smtp: SmtpSink, app: Flask, to: str) -> str:
    with app.app_context():
        from fundraiser import mail

        mail.deliver_due()
    [message] = smtp.to(to)
    [url] = [u for u in urls(message.text) if "/login/reset/" in u]
    return path_of(url)


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(
    app: Flask, organiser: str, campaign: Campaign, smtp: SmtpSink, public_base: str
) -> None:
    known = post_page(app.test_client(), "/login/forgot", email=organiser)
    unknown = post_page(app.test_client(), "/login/forgot", email="nobody@example.org")
    malformed = post_page(app.test_client(), "/login/forgot", email="not an email")
    assert known.status_code == unknown.status_code == malformed.status_code == 200
    # The same page, byte for byte, but for each visitor's own CSRF token.
    pages = {_CSRF.sub("", r.get_data(as_text=True)) for r in (known, unknown, malformed)}
    assert len(pages) == 1 and "we have emailed it a link" in pages.pop()
    sent = outbox(app)
    assert [m.to_address for m in sent] == [organiser]
    assert "nobody@example.org" not in audit_text(app)


def test_reset_link_sets_a_new_password_once_and_ends_old_sessions(
    app: Flask,
    logged_in: FlaskClient,
    organiser: str,
    campaign: Campaign,
    smtp: SmtpSink,
    public_base: str,
) -> None:
    assert logged_in.get("/dashboard/").status_code == 200
    post_page(app.test_client(), "/login/forgot", email=organiser)
    path = reset_path(smtp, app, organiser)
    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    assert post_page(visitor, path, password="short", confirm="short").status_code == 400
    done = post_page(visitor, path, password="a brand new password", confirm="a brand new password")
    assert done.status_code == 302
    assert login(app.test_client(), organiser, ORGANISER_PASSWORD).status_code == 401
    assert login(app.test_client(), organiser, "a brand new password").status_code == 302
    assert logged_in.get("/dashboard/").status_code == 302  # the old session ended
    assert app.test_client().get(path).status_code == 410
    assert {"password_reset_requested", "password_reset"} <= set(audit_actions(app))
    assert path.rsplit("/", 1)[1] not in audit_text(app)


def test_reset_emails_are_capped_per_account(
    app: Flask, organiser: str, campaign: Campaign, smtp: SmtpSink
) -> None:
    for _ in range(organiser_accounts.RESETS_PER_HOUR + 2):
        assert post_page(app.test_client(), "/login/forgot", email=organiser).status_code == 200
    assert len(outbox(app)) == organiser_accounts.RESETS_PER_HOUR


# --- Deactivation and the access list ---


@pytest.fixture
def second(app: Flask, organiser: str) -> FlaskClient:
    """Another organiser of the whole campaign, logged in."""
    with app.app_context():
        organisers.create_organiser("sam@example.org", ORGANISER_PASSWORD)
    client = app.test_client()
    assert login(client, "sam@example.org", ORGANISER_PASSWORD).status_code == 302
    return client


def organiser_id(app: Flask, email: str) -> int:
    with app.app_context():
        found = organisers.by_email(email)
        assert found is not None
        return found.id


def test_deactivating_ends_open_sessions_and_logins(
    app: Flask, logged_in: FlaskClient, second: FlaskClient, campaign: Campaign
) -> None:
    assert second.get("/dashboard/donations").status_code == 200
    sam = organiser_id(app, "sam@example.org")
    response = post_page(
        logged_in, "/dashboard/organisers", f"/dashboard/organisers/{sam}/deactivate"
    )
    assert response.status_code == 302
    # The cookie Sam already holds opens nothing any more.
    opened = second.get("/dashboard/donations")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/login")
    assert login(app.test_client(), "sam@example.org", ORGANISER_PASSWORD).status_code == 401
    page = logged_in.get("/dashboard/organisers").get_data(as_text=True)
    assert "deactivated" in page
    assert audit_actions(app).count("organiser_deactivated") == 1

    again = post_page(logged_in, "/dashboard/organisers", f"/dashboard/organisers/{sam}/reactivate")
    assert again.status_code == 302
    assert login(app.test_client(), "sam@example.org", ORGANISER_PASSWORD).status_code == 302
    assert "organiser_reactivated" in audit_actions(app)


def test_cannot_deactivate_yourself_or_the_last_campaign_organiser(
    app: Flask, logged_in: FlaskClient, organiser: str, campaign: Campaign
) -> None:
    me = organiser_id(app, organiser)
    response = post_page(
        logged_in, "/dashboard/organisers", f"/dashboard/organisers/{me}/deactivate"
    )
    assert response.status_code == 400
    assert "yourself" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["fundraiser", "deactivate-organiser", organiser])
    assert result.exit_code != 0 and "only active organiser" in result.output
    with app.app_context():
        assert db.session.get(Organiser, me).active  # type: ignore[union-attr]
    assert logged_in.get("/dashboard/").status_code == 200


def test_a_deactivated_organiser_gets_no_reset_link(
    app: Flask, second: FlaskClient, campaign: Campaign, smtp: SmtpSink
) -> None:
    with app.app_context():
        post_page(app.test_client(), "/login/forgot", email="sam@example.org")
        [link] = db.session.scalars(sa.select(AccountLink)).all()
        token_row = link.id
        sam = db.session.get(Organiser, organiser_id(app, "sam@example.org"))
        organiser_accounts.set_active(sam, False)  # type: ignore[arg-type]
        assert db.session.get(AccountLink, token_row).used_at is not None  # type: ignore[union-attr]
    post_page(app.test_client(), "/login/forgot", email="sam@example.org")
    assert len(outbox(app)) == 1  # only the one from before


def test_the_access_list_shows_last_login_and_two_factor(
    app: Flask, logged_in: FlaskClient, second: FlaskClient, campaign: Campaign
) -> None:
    page = logged_in.get("/dashboard/organisers").get_data(as_text=True)
    for email in ("robin@example.org", "sam@example.org"):
        row = page.split(f'data-organiser="{email}"', 1)[1].split("</tr>", 1)[0]
        assert '<td data-field="last-login">—' not in row  # both have logged in
        assert '<td data-field="two-factor">off</td>' in row


def test_command_line_equivalents(
    app: Flask, organiser: str, campaign: Campaign, smtp: SmtpSink, public_base: str
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["fundraiser", "invite-organiser", NEW, "--print-link"])
    assert result.exit_code == 0, result.output
    [url] = urls(result.output)
    assert url.startswith(BASE + "/invite/")
    assert smtp.to(NEW)  # sent at once through the real SMTP server
    listing = runner.invoke(args=["fundraiser", "list-organisers"])
    assert organiser in listing.output and "whole campaign" in listing.output
    assert "2fa off" in listing.output and "active" in listing.output
    with app.app_context():
        organisers.create_organiser("sam@example.org", ORGANISER_PASSWORD)
    off = runner.invoke(args=["fundraiser", "deactivate-organiser", "sam@example.org"])
    assert off.exit_code == 0, off.output
    assert login(app.test_client(), "sam@example.org", ORGANISER_PASSWORD).status_code == 401
    assert "deactivated" in runner.invoke(args=["fundraiser", "list-organisers"]).output
    on = runner.invoke(args=["fundraiser", "reactivate-organiser", "sam@example.org"])
    assert on.exit_code == 0, on.output
    assert login(app.test_client(), "sam@example.org", ORGANISER_PASSWORD).status_code == 302
    assert "command line" in audit_text(app)


def test_bad_input_on_the_public_account_pages_is_a_clear_4xx(
    app: Flask, organiser: str, campaign: Campaign
) -> None:
    client = app.test_client()
    assert client.get("/invite/" + "a" * 401).status_code == 404
    assert client.get("/invite/%00%ff").status_code == 400
    assert client.get("/login/reset/..%2f..").status_code in (400, 404)
    assert post_page(client, "/login/forgot", email="x" * 300).status_code == 400
    assert post_page(client, "/login/forgot", email="").status_code == 400
    # No password step behind it: the code page sends you back to log in.
    response = client.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    with client.session_transaction() as session:
        session["two_factor_pending"] = {"id": "1; drop", "at": "soon", "v": None}
    assert client.get("/login/two-factor").status_code == 302
    with client.session_transaction() as session:
        session["two_factor_pending"] = ["not", "a", "dict"]
    assert client.get("/login/two-factor").status_code == 302
