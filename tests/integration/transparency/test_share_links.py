"""Share links: plain links (no third-party script) on the campaign and thank-you pages,
each carrying its own `src`, and that source counted on a donation."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Team
from fundraiser.services.campaigns.sharing import SERVICES, tagged
from tests.support.factories import deliver, give, succeeded_event
from tests.support.http import donate

_LINK = re.compile(r'<a class="share-link-(?P<service>[a-z]+)" href="(?P<href>[^"]+)"')
_SCRIPT = re.compile(r'<script[^>]*\ssrc="(?P<src>[^"]+)"')


def shared_urls(html: str) -> dict[str, str]:
    """Each share link's service -> the page URL it shares (taken out of its href)."""
    found: dict[str, str] = {}
    for m in _LINK.finditer(html):
        href = unescape(m.group("href"))
        query = parse_qs(urlsplit(href).query)
        service = m.group("service")
        if service in ("telegram", "vk", "x"):
            found[service] = query["url"][0]
        elif service == "facebook":
            found[service] = query["u"][0]
        else:  # whatsapp, email: the URL ends the message text
            found[service] = (query.get("text") or query["body"])[0].rsplit(" ", 1)[-1]
    return found


def test_every_share_link_carries_its_own_source(client: FlaskClient, campaign: Campaign) -> None:
    html = client.get("/").get_data(as_text=True)
    urls = shared_urls(html)
    assert set(urls) == {service for service, _label in SERVICES}
    for service, url in urls.items():
        assert url == f"http://localhost/?src=share-{service}", service
    assert 'readonly value="http://localhost/?src=share-copy"' in html
    assert 'data-native-share data-url="http://localhost/?src=share-native"' in html
    hosts = {urlsplit(unescape(m.group("href"))).netloc for m in _LINK.finditer(html)}
    assert hosts == {"wa.me", "t.me", "vk.com", "x.com", "www.facebook.com", ""}  # "" is mailto:


def test_no_third_party_script_on_the_pages_with_share_links(
    app: Flask, client: FlaskClient, campaign: Campaign
) -> None:
    donation = give(app, client, campaign.id, 400)
    for path in ("/", f"/thanks/{donation.public_id}"):
        html = client.get(path).get_data(as_text=True)
        scripts = [m.group("src") for m in _SCRIPT.finditer(html)]
        assert any(src.endswith("/js/share.js") for src in scripts), path
        outside = [s for s in scripts if s.startswith("http") and "stripe" not in s]
        assert outside == [], path
        assert "<script>" not in html, path  # no inline script (CSP)


def test_the_thank_you_page_shares_the_page_the_gift_came_from(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team
) -> None:
    team_gift = give(app, client, campaign.id, 400, team_id=glasgow.id)
    urls = shared_urls(client.get(f"/thanks/{team_gift.public_id}").get_data(as_text=True))
    assert urls["telegram"] == "http://localhost/t/glasgow?src=share-telegram"
    assert urls["whatsapp"] == "http://localhost/t/glasgow?src=share-whatsapp"
    team_page = shared_urls(client.get("/t/glasgow").get_data(as_text=True))
    assert team_page["vk"] == "http://localhost/t/glasgow?src=share-vk"


def test_russian_page_has_the_same_links(client: FlaskClient, campaign: Campaign) -> None:
    html = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert shared_urls(html)["email"] == "http://localhost/?src=share-email"
    assert "Скопировать ссылку" in html


def test_tagging_replaces_an_old_source_and_keeps_other_parameters() -> None:
    assert tagged("https://a.org/t/x?lang=ru&src=old", "vk") == (
        "https://a.org/t/x?lang=ru&src=share-vk"
    )


def test_a_donation_posted_with_a_share_source_is_counted_under_it(
    app: Flask, client: FlaskClient, campaign: Campaign, logged_in: FlaskClient
) -> None:
    # What donate.js sends after arriving through the WhatsApp link (the browser
    # test in tests/e2e/test_share_flow.py proves the script does send it).
    for amount in ("4.00", "7.00"):
        response = donate(client, amount=amount, source="share-whatsapp")
        assert response.status_code == 200, response.json
    assert donate(client, amount="20.00").status_code == 200
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Donation).order_by(Donation.id)))
        db.session.expunge_all()
    assert [r.source for r in rows] == ["share-whatsapp", "share-whatsapp", None]
    for row in rows:
        assert deliver(client, succeeded_event(row)).json["outcome"] == "counted"
    page = logged_in.get("/dashboard/").get_data(as_text=True)
    split = page[page.index('data-split="source"') :]
    assert "<tr><td>share-whatsapp</td><td>2</td><td>£11.00</td></tr>" in split
    assert "<tr><td>direct</td><td>1</td><td>£20.00</td></tr>" in split
