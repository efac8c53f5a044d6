"""The embeddable widget, the SVG badges and the share cards, over HTTP."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from fundraiser.models import Campaign, Team
from fundraiser.services.campaigns import share_cards
from fundraiser.widgets import routes as widget_routes
from fundraiser.widgets.embedding import is_embeddable
from tests.support.factories import give, make_team

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def leeds(app: Flask, campaign: Campaign) -> Team:
    return make_team(app, campaign.id, "Leeds Pride & Friends", slug="leeds", target_minor=100_000)


@pytest.fixture
def public_base(app: Flask) -> Iterator[str]:
    saved = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "https://give.example.org"
    yield "https://give.example.org"
    app.config["PUBLIC_BASE_URL"] = saved


def svg_texts(body: bytes) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(body)  # raises on anything that is not well-formed XML
    return root, [el.text or "" for el in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("path", ["/embed/progress", "/embed/t/leeds"])
def test_embed_pages_set_no_cookie_and_allow_any_frame(
    client: FlaskClient, leeds: Team, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    # The session was never even read: the answer varies by the browser's language only.
    assert response.headers["Vary"] == "Accept-Language"
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors * file:" in csp
    assert "default-src 'none'" in csp
    html = response.get_data(as_text=True)
    assert "csrf" not in html.lower()
    # Only the app's own files: every src/href is a path on this site or the donate link.
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(u.startswith("/") or u.startswith("http://localhost/") for u in urls), urls
    [donate] = re.findall(r"<a [^>]*>Donate</a>", html)
    assert 'target="_blank"' in donate and 'rel="noopener"' in donate


def test_embed_views_are_marked_and_other_pages_are_not(
    app: Flask, client: FlaskClient, leeds: Team
) -> None:
    views = app.view_functions
    assert getattr(views["widgets.embed_progress"], "embeddable", False)
    assert getattr(views["widgets.embed_team"], "embeddable", False)
    assert not getattr(views["public.campaign_page"], "embeddable", False)
    # What an app-wide after_request hook (the coming CSP) sees on the response object.
    with app.test_request_context("/embed/t/leeds"):
        assert is_embeddable(views["widgets.embed_team"](slug="leeds"))
        assert not is_embeddable(views["widgets.badge"]())
    page = client.get("/")
    assert not is_embeddable(page)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    embed = client.get("/embed/t/leeds").headers["Content-Security-Policy"]
    assert "frame-ancestors * file:" in embed  # the embed page keeps its own policy


def test_embed_links_to_the_team_page_with_the_public_address(
    client: FlaskClient, leeds: Team, public_base: str
) -> None:
    html = client.get("/embed/t/leeds").get_data(as_text=True)
    assert f'href="{public_base}/t/leeds" target="_blank" rel="noopener"' in html
    assert 'data-progress-url="/api/teams/leeds/progress"' in html
    assert "Leeds Pride &amp; Friends" in html


def test_badge_is_valid_svg_matching_api_progress(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    give(app, client, campaign.id, 1234)
    give(app, client, campaign.id, 700)
    response = client.get("/badge.svg")
    assert response.mimetype == "image/svg+xml"
    root, texts = svg_texts(response.data)
    assert root.tag == f"{SVG}svg"
    progress = client.get("/api/progress").json
    assert progress["raised_display"] == "£19.34"
    assert texts == ["raised", f"{progress['raised_display']} of {progress['target_display']}"]
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "raised: £19.34 of £50,000 from 2 donations"
    assert int(root.get("width", "0")) > 100


def test_team_badge_escapes_the_name_and_matches_the_team(
    app: Flask, client: FlaskClient, campaign: Campaign, leeds: Team
) -> None:
    give(app, client, campaign.id, 400, team_id=leeds.id)
    give(app, client, campaign.id, 2000)
    _, texts = svg_texts(client.get("/t/leeds/badge.svg").data)
    team = client.get("/api/teams/leeds/progress").json
    assert texts == [
        "Leeds Pride & Friends raised",
        f"{team['raised_display']} of {team['target_display']}",
    ]
    assert team["raised_display"] == "£4.00"
    assert client.get("/t/nowhere/badge.svg").status_code == 404


def test_badge_is_cacheable_until_the_total_moves(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    first = client.get("/badge.svg")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/badge.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    give(app, client, campaign.id, 400)
    moved = client.get("/badge.svg", headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.headers["ETag"] != etag
    assert "£4.00" in moved.get_data(as_text=True)


def meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


def test_campaign_page_has_share_cards_with_absolute_urls(
    app: Flask, client: FlaskClient, campaign: Campaign, public_base: str
) -> None:
    give(app, client, campaign.id, 700)
    tags = meta(client.get("/").get_data(as_text=True))
    assert tags["og:title"] == tags["twitter:title"] == "Test drive"
    assert tags["og:url"] == f"{public_base}/"
    assert (
        tags["og:description"]
        == "£7.00 raised of £50,000 from 1 donation. Give the price of a drink."
    )
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"] == tags["twitter:image"]
    assert re.fullmatch(re.escape(public_base) + r"/share/progress\.png\?v=\d+", tags["og:image"])


def test_team_page_share_card_names_the_team(
    app: Flask, client: FlaskClient, campaign: Campaign, leeds: Team
) -> None:
    tags = meta(client.get("/t/leeds").get_data(as_text=True))
    assert tags["og:title"] == "Leeds Pride &amp; Friends: Test drive"
    assert tags["og:url"] == "http://localhost/t/leeds"  # no PUBLIC_BASE_URL: this host
    assert tags["og:description"].startswith("£0.00 raised of £1,000 from 0 donations.")
    assert re.fullmatch(r"http://localhost/t/leeds/share\.png\?v=\d+\.\d+", tags["og:image"])
    png = client.get(tags["og:image"].removeprefix("http://localhost"))
    assert png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (1200, 630)


def test_share_image_is_drawn_once_per_totals_version(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    share_cards.render_png.cache_clear()
    image_url = meta(client.get("/").get_data(as_text=True))["og:image"]
    first = client.get(image_url)
    assert first.mimetype == "image/png"
    image = Image.open(io.BytesIO(first.data))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert client.get(image_url).data == first.data
    assert (
        client.get(image_url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    )
    info = share_cards.render_png.cache_info()
    assert (info.misses, info.currsize) == (1, 1), "drawn once for three requests"
    give(app, client, campaign.id, 2_500_000)  # half the target
    moved_url = meta(client.get("/").get_data(as_text=True))["og:image"]
    assert moved_url != image_url, "a new version busts caches that keyed on the URL"
    moved = client.get(moved_url)
    assert moved.data != first.data
    assert share_cards.render_png.cache_info().misses == 2
    # The bar is drawn: the middle of its left half is pride red, its right end is not.
    picture = Image.open(io.BytesIO(moved.data)).convert("RGB")
    bar_y = next(y for y in range(630) if picture.getpixel((90, y)) == (0xE4, 0x03, 0x03))
    assert picture.getpixel((1100, bar_y)) != (0xE4, 0x03, 0x03)


def test_share_cards_fall_back_to_pillows_own_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(share_cards, "FONT_CANDIDATES", ("/nonexistent/font.ttf",))
    share_cards.font.cache_clear()
    share_cards.render_png.cache_clear()
    try:
        card = share_cards.Card("1", "A title", "£1.00 raised", "of £2", "", 500)
        assert Image.open(io.BytesIO(share_cards.render_png(card))).size == (1200, 630)
        assert share_cards.text_width("raised", 11) > 0
    finally:
        share_cards.font.cache_clear()
        share_cards.render_png.cache_clear()


def test_public_url_prefers_the_configured_base(app: Flask, public_base: str) -> None:
    with app.test_request_context("/", base_url="http://internal:8000"):
        assert widget_routes.public_url("teams.leaderboard_page") == f"{public_base}/teams"
    app.config["PUBLIC_BASE_URL"] = ""
    # Development without PUBLIC_BASE_URL: a loopback host is kept, any other is not.
    with app.test_request_context("/", base_url="http://internal:8000"):
        assert widget_routes.public_url("teams.leaderboard_page") == "http://127.0.0.1:5000/teams"
    with app.test_request_context("/", base_url="http://localhost:8000"):
        assert widget_routes.public_url("teams.leaderboard_page") == "http://localhost:8000/teams"
