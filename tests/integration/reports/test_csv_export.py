"""The donations CSV, parsed back and compared with the database."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, DonationDeduction
from fundraiser.money import format_decimal
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.dashboard import iso, make_donation, neutralised
from tests.support.dashboard import parse_csv as parse
from tests.support.harness import WEBHOOK_SECRET

FORMULA_NAME = '=HYPERLINK("x")'


def test_export_matches_the_database_row_for_row(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        make_donation(campaign, 400, display_name=FORMULA_NAME, email="a@example.org")
        make_donation(
            campaign,
            2000,
            display_name="Zoë Ł. Ñandú",
            name_public=True,
            message="+44 stay safe, -love @all\nsecond line",
            source="glasgow-vigil",
            email="zoe@example.org",
        )
        make_donation(campaign, 700, status="failed", display_name="-1+2", source="livestream")
        make_donation(campaign, 250, status="pending", display_name="\tTabbed", message="\rcr")
        gift = make_donation(campaign, 1000, display_name="@handle", email="b@example.org")
        intent, refunded_id = gift.stripe_payment_intent_id, gift.public_id
    body, headers = se.signed(
        se.event("refund.created", re_.refund(intent or "", 350)), WEBHOOK_SECRET
    )
    logged_in.post("/stripe/webhook", data=body, headers=headers)

    response = logged_in.get("/dashboard/donations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = parse(response)

    with app.app_context():
        donations = list(
            db.session.scalars(
                sa.select(Donation).order_by(Donation.created_at.desc(), Donation.id.desc())
            )
        )
        deductions = {d.donation_id: d for d in db.session.scalars(sa.select(DonationDeduction))}
        assert len(rows) == len(donations) == 5
        for row, d in zip(rows, donations, strict=True):
            out = deductions.get(d.id)
            refunded = out.refunded_minor if out else 0
            deducted = out.deducted_minor if out else 0
            assert row["donation_id"] == d.public_id
            assert row["created_at_utc"] == iso(d.created_at)
            assert row["succeeded_at_utc"] == iso(d.succeeded_at)
            assert row["status"] == d.status
            assert row["amount"] == format_decimal(d.amount_minor, "gbp")
            assert row["currency"] == "GBP"
            assert row["refunded"] == format_decimal(refunded, "gbp")
            net = d.amount_minor - deducted if d.status == "succeeded" else 0
            assert row["net"] == format_decimal(net, "gbp")
            assert row["stripe_payment_intent"] == d.stripe_payment_intent_id
            assert row["source"] == (d.source or "")
            assert row["name_public"] == ("yes" if d.name_public else "no")
            for column, value in (
                ("name", d.display_name),
                ("email", d.email),
                ("message", d.message),
            ):
                assert row[column] == neutralised(value), "formula neutralised, text kept"

    by_id = {r["donation_id"]: r for r in rows}
    assert by_id[donations[-1].public_id]["name"] == "'" + FORMULA_NAME
    assert by_id[refunded_id]["refunded"] == "3.50"
    assert by_id[refunded_id]["net"] == "6.50"
    assert any(r["name"] == "Zoë Ł. Ñandú" for r in rows)
    assert not any(r[k].startswith(("=", "+", "-", "@")) for r in rows for k in r)
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export"))
        assert entry is not None and entry.actor == "robin@example.org"


def test_export_follows_the_filters_and_refuses_bad_ones(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        make_donation(campaign, 400, source="livestream", display_name="Kim")
        make_donation(campaign, 700, source="glasgow-vigil", display_name="Lee")
        make_donation(campaign, 900, status="failed", source="livestream", display_name="Max")
    rows = parse(logged_in.get("/dashboard/donations.csv?source=livestream&status=succeeded"))
    assert [r["name"] for r in rows] == ["Kim"]
    rows = parse(logged_in.get("/dashboard/donations.csv?q=LE"))
    assert [r["name"] for r in rows] == ["Lee"]
    assert logged_in.get("/dashboard/donations.csv?from=yesterday").status_code == 400


def test_empty_export_is_just_the_header(logged_in: FlaskClient, campaign: Campaign) -> None:
    response = logged_in.get("/dashboard/donations.csv")
    assert parse(response) == []
    assert response.get_data().decode("utf-8-sig").startswith("donation_id,created_at_utc,")


def test_large_export_streams_every_row(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    with app.app_context():
        db.session.add_all(
            Donation(
                campaign_id=campaign.id,
                amount_minor=100 + n,
                currency="gbp",
                status="succeeded",
                display_name=f"Donor {n}",
            )
            for n in range(1234)
        )
        db.session.commit()
    rows = parse(logged_in.get("/dashboard/donations.csv"))
    assert len(rows) == 1234
    assert sorted(int(r["amount"].replace(".", "")) for r in rows) == list(range(100, 1334))
