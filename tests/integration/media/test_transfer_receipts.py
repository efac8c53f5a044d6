"""A bank's confirmation on a transfer: optional, checked by content, public on
/transparency (pictures stripped like the cover, PDFs downloaded, not opened here)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import BeneficiaryTransfer, Campaign, StoredFile
from tests.support.dashboard import audit_entries
from tests.support.media import PDF, assert_no_metadata, media_paths, phone_photo, post_files

PAGE = "/dashboard/transfers"


def send(client: FlaskClient, receipt: bytes, reference: str = "SWIFT 1") -> object:
    return post_files(
        client, PAGE, amount="10", sent_on="2017-05-02", reference=reference, receipt=receipt
    )


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        transfers = db.session.scalar(sa.select(sa.func.count()).select_from(BeneficiaryTransfer))
        files = db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile))
        return int(transfers or 0), int(files or 0)


def test_a_pdf_and_a_photo_of_the_confirmation_are_public_links(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert "Public:" in logged_in.get(PAGE).get_data(as_text=True)  # the organiser is told
    assert send(logged_in, PDF, "first").status_code == 302
    assert send(logged_in, phone_photo(), "second").status_code == 302
    page = client.get("/transparency").get_data(as_text=True)
    photo_path, pdf_path = media_paths(page)  # newest first (same day: by entry)
    pdf = client.get(pdf_path)
    assert pdf.data == PDF and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    photo = client.get(photo_path)
    assert photo.mimetype == "image/jpeg"
    assert_no_metadata(photo.data)
    assert 'data-field="receipt">PDF</a>' in page
    assert [e.detail["receipt"] for e in audit_entries(app, "transfer")] == [True, True]


def test_a_transfer_without_a_confirmation_still_works(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    response = post_files(logged_in, PAGE, amount="10", sent_on="2017-05-02", reference="")
    assert response.status_code == 302
    assert counts(app) == (1, 0)
    assert media_paths(client.get("/transparency").get_data(as_text=True)) == []


def test_bad_confirmations_are_refused_and_record_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    for data, status, words in [
        (b"PK\x03\x04 a zip", 415, "Please send a PDF, or a JPEG, PNG or WebP picture."),
        (PDF[:30] + b"\n" * 2000, 400, "The PDF looks cut short"),
        (phone_photo()[:400], 400, "damaged or cut short"),
    ]:
        response = send(logged_in, data)
        assert response.status_code == status, words
        assert words in response.get_data(as_text=True)
    assert counts(app) == (0, 0)
    assert audit_entries(app, "transfer") == []
