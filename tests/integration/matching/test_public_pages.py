"""What donors read of matches and milestones, in English and Russian: the banner on the
donate form, the thank-you page's "your £20 becomes £40", the milestones under the bar
(the campaign's bar only, not a team's), and the bar overlay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign
from fundraiser.models.types import utcnow
from fundraiser.services.livestream import overlays
from fundraiser.services.milestones import milestones
from tests.support.factories import make_team
from tests.support.harness import LocalStripe
from tests.support.i18n import english_words
from tests.support.matching import add_match, started, the_organiser

pytestmark = pytest.mark.stripe
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}


@pytest.fixture(autouse=True)
def _flush(localstripe: LocalStripe) -> None:
    localstripe.flush()


@pytest.fixture
def impact(app: Flask, campaign: Campaign, organiser: str) -> int:
    """A running match by an unnamed supporter (cap £40), two milestones, £15 a person."""
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        milestones.add(row, 4500, "one more person out", "ещё один человек спасён", the_organiser())
        milestones.add(row, 9000, "a safe house", "", the_organiser())
        milestones.set_cost_per_person(row, 1500, the_organiser())
    return add_match(
        app, campaign, cap=4000, starts=utcnow(), ends=utcnow() + timedelta(hours=2), name=""
    )


def page(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> str:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("impact")
def test_campaign_page_offers_the_match_and_shows_milestones_in_each_language(
    client: FlaskClient,
) -> None:
    english = page(client, "/")
    assert "A supporter doubles every gift made now, up to £40 in all." in english
    assert "data-match hidden" in english and "js/match.js" in english
    assert "0 of 2 milestones reached." in english
    assert "Next milestone: " in english and "one more person out" in english
    assert "Enough to get 0 people out." in english
    assert 'data-field="bar-matched" data-matched="0"' in english

    russian = page(client, "/", RU)
    assert "Сторонник удваивает каждое пожертвование" in russian
    assert "Пройдено этапов: 0 из 2." in russian
    assert "ещё один человек спасён" in russian and "one more person out" not in russian
    assert "Этого хватит, чтобы вывезти 0 человек." in russian
    assert not {"matched", "milestone", "milestones", "people", "supporter"} & {
        w.lower() for w in english_words(russian)
    }


def test_thanks_page_says_what_the_gift_becomes(
    app: Flask, client: FlaskClient, campaign: Campaign, impact: int
) -> None:
    gift = started(app, "20.00")
    english = page(client, f"/thanks/{gift.public_id}")
    assert "A supporter matches it: your £20.00 becomes £40.00." in english
    russian = page(client, f"/thanks/{gift.public_id}", RU)
    assert "ваши 20,00" in russian and "превращаются в 40,00" in russian

    big = started(app, "50.00")  # more than the cap's room: only £40 is added
    assert "your £50.00 becomes £90.00." in page(client, f"/thanks/{big.public_id}")


def test_no_match_no_banner_and_no_words(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    html = page(client, "/")
    assert "data-match hidden" not in html and "match.js" not in html
    gift = started(app, "4.00")
    assert "data-match-thanks" not in page(client, f"/thanks/{gift.public_id}")


@pytest.mark.usefixtures("impact")
def test_team_bar_has_no_campaign_milestones_and_the_overlay_bar_has_them(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    make_team(app, campaign.id, "Glasgow", slug="glasgow", target_minor=100_000)
    team_embed = page(client, "/embed/t/glasgow")
    assert "data-impact" not in team_embed
    assert "data-impact" in page(client, "/embed/progress")
    with app.app_context():
        token = overlays.rotate_token(campaign.id, None)
    overlay = page(client, f"/overlay/{token}/bar")
    assert "0 of 2 milestones reached." in overlay and "bar-matched" in overlay
