"""/privacy is linked from every page with a form a supporter fills in or sends."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Pledge, Team
from fundraiser.services import tokens
from fundraiser.services.donations import privacy
from tests.support.factories import add_donation
from tests.support.harness import ROOT
from tests.support.pledges import make_pledge, today

TEMPLATES = ROOT / "templates"
# Every public template with a <form>, and so every one the pages below must cover.
PUBLIC_FORMS = {
    "_donate_form.html",
    "pledges/_pledge_form.html",
    "pledges/cancel.html",
    "_unsubscribe_page.html",  # pledges/unsubscribe.html and updates_unsubscribe.html
    "forget.html",
}
_PRIVACY_LINK = re.compile(r'<a href="/privacy">')


def test_the_list_of_public_forms_is_complete() -> None:
    with_forms = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "<form" in path.read_text()
        and path.parts[len(TEMPLATES.parts)] not in ("dashboard", "auth", "email")
    }
    assert with_forms == PUBLIC_FORMS  # a new form: add its page below too


@pytest.fixture
def pages(app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team) -> list[str]:
    """The path of every public page with a form (pledge links signed for a new pledge)."""
    assert make_pledge(client, payday=today() + timedelta(days=3)).status_code == 303
    with app.app_context():
        pledge = db.session.scalars(sa.select(Pledge)).one()
        pay = tokens.sign(tokens.PAY, pledge.public_id)
        cancel = tokens.sign(tokens.CANCEL, pledge.public_id)
        unsubscribe = tokens.sign(tokens.UNSUBSCRIBE, pledge.public_id)
        erase = privacy.erasure_token(pledge)
    donor = add_donation(app, campaign.id, email="updates@example.org")
    with app.app_context():
        stop_updates = tokens.sign(tokens.UPDATES_UNSUBSCRIBE, donor.public_id)
    return [
        "/",
        "/pledge",
        f"/t/{glasgow.slug}",
        f"/pledge/{pay}",
        f"/pledge/cancel/{cancel}",
        f"/unsubscribe/{unsubscribe}",
        f"/forget/{erase}",
        f"/updates/stop/{stop_updates}",
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_page_with_a_form_links_to_privacy(
    client: FlaskClient, pages: list[str], language: str
) -> None:
    for path in pages:
        page = client.get(path, headers={"Accept-Language": language})
        html = page.get_data(as_text=True)
        assert page.status_code == 200, (path, html[:300])
        assert "<form" in html, path
        assert _PRIVACY_LINK.search(html), f"{path} has a form and no link to /privacy"
    assert client.get("/privacy").status_code == 200
