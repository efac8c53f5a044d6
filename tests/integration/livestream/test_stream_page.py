"""/dashboard/stream: every overlay's URL in each language with a copy button, and a live
preview of each that this site alone may frame."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign
from tests.support.dashboard import post_form
from tests.support.livestream import message_gift

STREAM = "/dashboard/stream"


def test_urls_copy_buttons_and_framed_previews(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    assert "<iframe" not in logged_in.get(STREAM).get_data(as_text=True), "no token, no preview"
    post_form(logged_in, STREAM, STREAM + "/rotate")
    with app.app_context():
        token = db.session.get_one(Campaign, campaign.id).overlay_token
    page = logged_in.get(STREAM)
    html = page.get_data(as_text=True)
    for name in ("bar", "alerts", "ticker"):
        path = f"/overlay/{token}/{name}"
        for code, suffix in (("en", ""), ("ru", "?lang=ru")):
            field = f"overlay-{name}-{code}"
            assert re.search(
                rf'id="{field}"[^>]*value="http://[^"/]+{re.escape(path + suffix)}"', html
            )
            assert f'data-copy="{field}"' in html and f'for="{field}"' in html
        assert f'<iframe src="{path}"' in html, "the preview frames this site's own page"
        overlay = client.get(path)
        assert "frame-ancestors 'self'" in overlay.headers["Content-Security-Policy"]
        assert overlay.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert 'id="backdrop-dark"' in html and 'id="backdrop-light"' in html
    assert "frame-src 'self'" in page.headers["Content-Security-Policy"]
    assert "/static/js/copy.js" in html
    elsewhere = client.get("/")
    assert "frame-ancestors 'none'" in elsewhere.headers["Content-Security-Policy"]
    assert elsewhere.headers["X-Frame-Options"] == "DENY", "only overlays may be framed"


def test_overlays_polling_moves_nothing_the_public_pages_cache_on(
    app: Flask, client: FlaskClient, logged_in: FlaskClient, campaign: Campaign
) -> None:
    message_gift(app, campaign, "Hello from the stream")
    post_form(logged_in, STREAM, STREAM + "/rotate")
    with app.app_context():
        row = db.session.get_one(Campaign, campaign.id)
        token, version = row.overlay_token, row.totals_version
    first = client.get("/api/progress")
    for path in ("ticker", "ticker.json", "alerts.json", "bar", "alerts"):
        for _ in range(3):
            assert client.get(f"/overlay/{token}/{path}").status_code == 200
    with app.app_context():
        assert db.session.get_one(Campaign, campaign.id).totals_version == version
    again = client.get("/api/progress", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304, "the public total's cache is untouched"
