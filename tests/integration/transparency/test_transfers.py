"""Money sent to the beneficiary: recorded in the dashboard (audited), shown on the
campaign page and /transparency with refunds and fees in totals."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import BeneficiaryTransfer, Campaign, DonationDeduction, Team
from fundraiser.models.types import utcnow
from tests.support.dashboard import audit_entries, make_donation, post_form
from tests.support.team_dashboard import team_organiser

PAGE = "/dashboard/transfers"


def transfers(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(BeneficiaryTransfer).order_by(BeneficiaryTransfer.id))
        return [(t.amount_minor, t.sent_on.isoformat(), t.reference) for t in rows]


def name_beneficiary(app: Flask, name: str) -> None:
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        campaign.beneficiary_name = name
        db.session.commit()


def test_a_transfer_shows_on_the_page_and_transparency(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        make_donation(campaign, 2_000, fee_cover_minor=51)
        refunded = make_donation(campaign, 700)
        # What the refund webhook leaves behind (tests/integration/refunds cover that road).
        db.session.add(DonationDeduction(donation_id=refunded.id, refunded_minor=300))
        db.session.commit()
    name_beneficiary(app, "Russian LGBT Network")
    first = client.get("/")
    assert "sent to" not in first.get_data(as_text=True)
    etag = first.headers["ETag"]

    response = post_form(
        logged_in, PAGE, PAGE, amount="12.50", sent_on="2017-05-02", reference="SWIFT 0042"
    )
    assert response.status_code == 302
    response = post_form(logged_in, PAGE, PAGE, amount="5", sent_on="2017-05-09", reference="")
    assert response.status_code == 302
    assert transfers(app) == [(1_250, "2017-05-02", "SWIFT 0042"), (500, "2017-05-09", "")]

    # The cached page is rebuilt: a browser's old ETag no longer matches.
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "Raised £27.00 · sent to Russian LGBT Network £17.50 on 9 May 2017" in page
    russian = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "перечислено получателю (Russian LGBT Network)" in russian

    public = client.get("/transparency")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert '<dd data-field="raised">£27.00</dd>' in html
    assert '<dd data-field="sent">£17.50</dd>' in html
    assert '<dd data-field="refunded">£3.00</dd>' in html
    assert '<dd data-field="fees">£0.51</dd>' in html
    assert html.index("9 May 2017") < html.index("2 May 2017")  # newest first
    assert "SWIFT 0042" in html

    entries = audit_entries(app, "transfer")
    assert [(e.detail["amount_minor"], e.detail["sent_on"]) for e in entries] == [
        (1_250, "2017-05-02"),
        (500, "2017-05-09"),
    ]
    assert entries[0].actor == "robin@example.org"


def test_bad_transfers_change_nothing(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    for fields, message in [
        ({"amount": "0"}, "more than zero"),
        ({"amount": "-5"}, ""),
        ({"amount": "lots"}, ""),
        ({"sent_on": ""}, "Give the date it was sent."),
        ({"sent_on": "yesterday"}, "Not a valid date value."),
        ({"sent_on": tomorrow}, "cannot be in the future"),
        ({"reference": "r" * 121}, "120"),
    ]:
        data = {"amount": "10", "sent_on": "2017-05-02", "reference": "", **fields}
        response = post_form(logged_in, PAGE, PAGE, **data)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert transfers(app) == []
    assert audit_entries(app, "transfer") == []
    assert "Nothing has been sent yet." in client.get("/transparency").get_data(as_text=True)


def test_the_form_defaults_the_date_to_today(logged_in: FlaskClient, campaign: Campaign) -> None:
    page = logged_in.get(PAGE).get_data(as_text=True)
    assert f'value="{utcnow().date().isoformat()}"' in page


def test_a_team_organiser_cannot_record_a_transfer(
    app: Flask, campaign: Campaign, glasgow: Team
) -> None:
    team_client = team_organiser(app, "glasgow@example.org", glasgow)
    assert team_client.get(PAGE).status_code == 403
    response = post_form(team_client, "/dashboard/", PAGE, amount="10", sent_on="2017-05-02")
    assert response.status_code == 403
    assert transfers(app) == []


def test_transparency_without_a_campaign_is_404(client: FlaskClient) -> None:
    assert client.get("/transparency").status_code == 404
