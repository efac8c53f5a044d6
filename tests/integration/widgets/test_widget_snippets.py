"""The dashboard's snippet panel: what to paste to show the total on another site."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.models import Campaign, Team
from tests.support.factories import make_team
from tests.support.team_dashboard import team_organiser


@pytest.fixture
def quoted(app: Flask, campaign: Campaign) -> Team:
    return make_team(app, campaign.id, 'Bristol <Pride> "Q" & co', slug="bristol")


@pytest.fixture
def public_base(app: Flask) -> Iterator[str]:
    saved = app.config.get("PUBLIC_BASE_URL")
    app.config["PUBLIC_BASE_URL"] = "https://give.example.org"
    yield "https://give.example.org"
    app.config["PUBLIC_BASE_URL"] = saved


def snippets(page: str) -> dict[str, str]:
    """The text of each snippet box, as a person copying it would get it."""
    boxes = re.findall(r'<textarea id="([\w-]+)" class="snippet"[^>]*>([^<]*)</textarea>', page)
    return {key: html.unescape(text) for key, text in boxes}


def test_snippets_for_the_campaign_and_each_team_use_the_host_asked(
    logged_in: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    response = logged_in.get("/dashboard/widgets")
    assert response.status_code == 200
    boxes = snippets(response.get_data(as_text=True))
    assert boxes == {
        "campaign-iframe": '<iframe src="http://localhost/embed/progress" title="Test drive: '
        'live total" width="320" height="240" style="border:0" loading="lazy"></iframe>\n'
        '<script src="http://localhost/static/js/embed-host.js" async></script>',
        "campaign-badge": '<a href="http://localhost/"><img src="http://localhost/badge.svg" '
        'alt="Test drive: money raised so far"></a>',
        "team-glasgow-iframe": '<iframe src="http://localhost/embed/t/glasgow" title="Glasgow '
        'Pride: live total" width="320" height="240" style="border:0" loading="lazy"></iframe>\n'
        '<script src="http://localhost/static/js/embed-host.js" async></script>',
        "team-glasgow-badge": '<a href="http://localhost/t/glasgow"><img '
        'src="http://localhost/t/glasgow/badge.svg" alt="Glasgow Pride: money raised so far"></a>',
    }


def test_snippets_use_public_base_url_and_what_they_name_is_served(
    logged_in: FlaskClient, client: FlaskClient, glasgow: Team, public_base: str
) -> None:
    boxes = snippets(logged_in.get("/dashboard/widgets").get_data(as_text=True))
    urls = [u for text in boxes.values() for u in re.findall(r'(?:src|href)="([^"]+)"', text)]
    assert len(urls) == 8  # each widget's frame and host script, each badge's link and image
    for url in urls:
        assert url.startswith(public_base + "/"), url
        path = url.removeprefix(public_base)
        response = client.get(path)
        assert response.status_code == 200, path
    assert (
        client.get("/embed/t/glasgow")
        .headers["Content-Security-Policy"]
        .endswith("frame-ancestors * file:")
    )


def test_a_team_name_cannot_break_out_of_its_snippet(logged_in: FlaskClient, quoted: Team) -> None:
    page = logged_in.get("/dashboard/widgets").get_data(as_text=True)
    assert "<Pride>" not in page
    iframe = snippets(page)["team-bristol-iframe"]
    # Pasted into a page, the title is one attribute holding the name as text.
    assert 'title="Bristol &lt;Pride&gt; &#34;Q&#34; &amp; co: live total"' in iframe
    # src, title, width, height, style, loading; then the host script's src, async.
    assert iframe.count('"') == 2 * 7


def test_copy_buttons_preview_and_no_inline_script(
    logged_in: FlaskClient, client: FlaskClient, glasgow: Team
) -> None:
    response = logged_in.get("/dashboard/teams/glasgow")
    page = response.get_data(as_text=True)
    copies = re.findall(r'<button type="button"[^>]*data-copy="([\w-]+)"', page)
    assert copies == ["team-glasgow-iframe", "team-glasgow-badge"]
    assert set(copies) == set(snippets(page))
    assert '<iframe src="/embed/t/glasgow" title="Preview of Glasgow Pride' in page
    # The preview is the documented minimum size, so it shows that size is enough.
    assert re.search(r'Preview of Glasgow Pride[^>]*width="300" height="240"', page)
    assert '<img src="/t/glasgow/badge.svg" alt="Preview of Glasgow Pride' in page
    # Every script is a file of this site; the policy forbids inline ones and
    # allows framing this site's own widget for the preview.
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts and all(
        'src="/' in attrs or 'type="application/json"' in attrs for attrs in scripts
    )
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    assert re.search(r"frame-src 'self' ", policy)
    assert "frame-ancestors 'none'" in policy
    js = client.get("/static/js/copy.js")
    assert js.status_code == 200 and "navigator.clipboard" in js.get_data(as_text=True)


def test_a_team_organiser_gets_only_their_teams_snippets(
    app: Flask, organiser: str, glasgow: Team, quoted: Team
) -> None:
    ali = team_organiser(app, "ali@glasgow.example", glasgow)
    boxes = snippets(ali.get("/dashboard/widgets").get_data(as_text=True))
    assert set(boxes) == {"team-glasgow-iframe", "team-glasgow-badge"}
