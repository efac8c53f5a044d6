"""The cover picture: uploaded in the dashboard, served without metadata under its
content hash with year-long caching, on the page with its description and in the
share card; refused (changing nothing) when too big, not a picture, or a bomb."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, CampaignCover, StoredFile, Team
from tests.support.dashboard import audit_entries, post_form
from tests.support.media import (
    assert_no_metadata,
    bomb_png,
    gif_bytes,
    media_paths,
    opened,
    phone_photo,
    post_files,
)
from tests.support.team_dashboard import team_organiser

PAGE = "/dashboard/settings/cover"
ALT = "Volunteers packing a van at dawn"
ALT_RU = "Волонтёры грузят фургон на рассвете"


def stored_count(app: Flask) -> tuple[int, int]:
    with app.app_context():
        files = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
        covers = db.session.scalar(sa.select(sa.func.count()).select_from(CampaignCover))
        return int(files or 0), int(covers or 0)


def cover_and_card(page: str) -> tuple[str, str]:
    """The cover's path (in its figure) and the share card's (in og:image)."""
    cover = media_paths(page.split('data-field="cover"', 1)[1])[0]
    card = media_paths(page.split('property="og:image"', 1)[1])[0]
    return cover, card


def upload(client: FlaskClient, data: bytes, **fields: str) -> object:
    return post_files(client, PAGE, picture=data, **{"alt": ALT, "alt_ru": "", **fields})


def test_a_gps_tagged_photo_is_served_with_no_metadata_at_all(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    before = client.get("/")
    response = upload(logged_in, phone_photo((2400, 1200), orientation=1))
    assert response.status_code == 302, response.get_data(as_text=True)

    again = client.get("/", headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 200  # the cached page was rebuilt
    page = again.get_data(as_text=True)
    cover_path, card_path = cover_and_card(page)
    assert f'alt="{ALT}"' in page
    served = client.get(cover_path)
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert_no_metadata(served.data)
    assert opened(served.data).size == (1600, 800)
    # The name is the content's hash, so the bytes may be cached for ever.
    assert cover_path.endswith(hashlib.sha256(served.data).hexdigest() + ".jpg")
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (
        client.get(cover_path, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    )

    # The share card is the 1200x630 crop, stripped too.
    assert f'<meta property="og:image" content="http://localhost{card_path}">' in page
    assert '<meta property="og:image:type" content="image/jpeg">' in page
    assert f'<meta property="og:image:alt" content="{ALT}">' in page
    card = client.get(card_path)
    assert opened(card.data).size == (1200, 630)
    assert_no_metadata(card.data)

    [entry] = audit_entries(app, "cover")
    assert entry.summary == "Changed the cover picture and description"


def test_the_description_follows_the_page_language_and_says_when_it_falls_back(
    logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert upload(logged_in, phone_photo()).status_code == 302
    russian = client.get("/?lang=ru").get_data(as_text=True)
    assert f'alt="{ALT}" lang="en"' in russian  # only English written: marked as such
    # Only the description changes: no new picture needed.
    response = post_form(logged_in, PAGE, PAGE, alt=ALT, alt_ru=ALT_RU)
    assert response.status_code == 302
    russian = client.get("/?lang=ru").get_data(as_text=True)
    assert f'alt="{ALT_RU}"' in russian and f'alt="{ALT_RU}" lang=' not in russian
    assert f'alt="{ALT}"' in client.get("/?lang=en").get_data(as_text=True)


def test_replacing_or_removing_the_cover_stops_serving_the_old_files(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert upload(logged_in, phone_photo((900, 500))).status_code == 302
    old = list(cover_and_card(client.get("/").get_data(as_text=True)))
    assert upload(logged_in, phone_photo((1000, 500))).status_code == 302
    new = list(cover_and_card(client.get("/").get_data(as_text=True)))
    assert set(old).isdisjoint(new)
    assert [client.get(path).status_code for path in old + new] == [404, 404, 200, 200]
    assert stored_count(app) == (2, 1)

    response = post_form(logged_in, PAGE, PAGE + "/remove")
    assert response.status_code == 302
    assert [client.get(path).status_code for path in new] == [404, 404]
    assert stored_count(app) == (0, 0)
    page = client.get("/").get_data(as_text=True)
    assert media_paths(page) == [] and 'data-field="cover"' not in page
    assert '<meta property="og:image:type" content="image/png">' in page  # the progress card
    summaries = [e.summary for e in audit_entries(app, "cover")]
    assert summaries[-1] == "Removed the cover picture"


@pytest.mark.parametrize(
    ("data", "fields", "status", "words"),
    [
        (b"just some text", {}, 415, "Please send a JPEG, PNG or WebP picture."),
        (gif_bytes(), {}, 415, "Please send a JPEG, PNG or WebP picture."),
        (bomb_png(), {}, 400, "too many pixels"),
        (phone_photo()[:500], {}, 400, "damaged or cut short"),
        (phone_photo(), {"alt": ""}, 400, "Describe the picture"),
        (phone_photo(), {"alt": "x" * 301}, 400, "300"),
        (b"", {}, 400, "The file is empty."),
    ],
    ids=["text", "gif", "bomb", "truncated", "no-alt", "long-alt", "empty"],
)
def test_bad_uploads_are_refused_and_change_nothing(
    app: Flask,
    logged_in: FlaskClient,
    campaign: Campaign,
    data: bytes,
    fields: dict[str, str],
    status: int,
    words: str,
) -> None:
    response = upload(logged_in, data, **fields)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert stored_count(app) == (0, 0)
    assert audit_entries(app, "cover") == []


def test_an_oversized_body_is_refused_with_413_before_it_is_read(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    response = upload(logged_in, phone_photo() + b"\0" * (1024 * 1024))
    assert response.status_code == 413
    assert "That file is too large: the limit is 1 MB." in response.get_data(as_text=True)
    assert stored_count(app) == (0, 0)
    # The limit is the upload pages' only: elsewhere a body stays held to 64 KiB.
    response = logged_in.post("/dashboard/settings/who-and-where", data={"x": "y" * 70_000})
    assert response.status_code == 413


def test_a_picture_sent_as_text_or_not_at_all_is_refused(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    response = post_form(logged_in, PAGE, PAGE, alt=ALT)
    assert response.status_code == 400
    assert "Choose a picture to upload." in response.get_data(as_text=True)
    response = post_form(logged_in, PAGE, PAGE, picture="not a file", alt=ALT)
    assert response.status_code == 400
    assert "Choose a picture to upload." in response.get_data(as_text=True)
    assert stored_count(app) == (0, 0)


def test_a_team_organiser_cannot_change_the_cover(
    app: Flask, campaign: Campaign, glasgow: Team
) -> None:
    team_client = team_organiser(app, "glasgow@example.org", glasgow)
    assert team_client.get(PAGE).status_code == 403
    response = post_files(team_client, "/dashboard/", PAGE, picture=phone_photo(), alt=ALT)
    assert response.status_code == 403
    assert stored_count(app) == (0, 0)


def test_unknown_and_malformed_media_names_are_404(client: FlaskClient, campaign: Campaign) -> None:
    for name in ("0" * 64 + ".jpg", "../etc/passwd", "x.jpg", "0" * 64 + ".exe"):
        assert client.get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            b'--x\r\nContent-Disposition: form-data; name="picture"\r\n\r\nabc',
            "multipart/form-data; boundary=x",
        ),
        (b"anything", "multipart/form-data"),  # no boundary
        (b'{"picture": [1, 2]}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
    ],
    ids=["unterminated", "no-boundary", "json", "binary"],
)
def test_odd_bodies_to_upload_pages_are_400_never_500(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, body: bytes, content_type: str
) -> None:
    for page in (PAGE, "/dashboard/updates", "/dashboard/transfers"):
        response = logged_in.post(page, data=body, content_type=content_type)
        assert response.status_code == 400, (page, response.status_code)
    assert stored_count(app) == (0, 0)
