"""Tracked links (/give/<code>) in the dashboard: create, their figures after real donations, copy, QR."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, DonationDeduction, SourceLink
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.dashboard import audit_entries, post_form
from tests.support.factories import deliver, succeeded_event
from tests.support.harness import LocalStripe
from tests.support.http import csrf_token, donate
from tests.support.qr import decode_png, decode_svg

_FIELD = re.compile(
    r'<td class="num" data-field="(?P<name>\w+)"[^>]*>(?:<a [^>]*>)?(?P<text>[^<]*)<'
)


def create(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    form = {"code": "", "label": "", "amount": "", **fields}
    return post_form(client, "/dashboard/links", "/dashboard/links", **form)


def link_rows(app: Flask) -> list[tuple[str, str, int | None, int]]:
    with app.app_context():
        return [
            (r.code, r.label, r.amount_minor, r.clicks)
            for r in db.session.scalars(sa.select(SourceLink).order_by(SourceLink.id))
        ]


def figures(client: FlaskClient, code: str) -> dict[str, str]:
    html = client.get("/dashboard/links").get_data(as_text=True)
    start = html.index(f'<tr data-link="{code}">')
    row = html[start : html.index("</tr>", start)]
    return {m["name"]: m["text"] for m in _FIELD.finditer(row)}


def test_create_a_link_and_see_it_ready_to_copy(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    response = create(logged_in, code="Glasgow-Vigil", amount="7")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert link_rows(app) == [("glasgow-vigil", "glasgow-vigil", 700, 0)]
    assert create(logged_in, code="livestream", label="Livestream, 12 May").status_code == 302
    assert link_rows(app)[1] == ("livestream", "Livestream, 12 May", None, 0)

    html = logged_in.get("/dashboard/links").get_data(as_text=True)
    assert "Created http://localhost/give/livestream (no preset amount)." in html
    assert (
        '<input id="link-glasgow-vigil" type="text" readonly '
        'value="http://localhost/give/glasgow-vigil"'
    ) in html
    assert '<button type="button" class="button-secondary" data-copy="link-glasgow-vigil">' in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert '<script src="/static/js/copy.js" defer>' in scripts
    assert all("src=" in tag for tag in scripts), "no inline script: the CSP forbids it"
    assert (
        "script-src 'self'" in logged_in.get("/dashboard/links").headers["Content-Security-Policy"]
    )
    assert logged_in.get("/static/js/copy.js").status_code == 200

    entries = audit_entries(app, "link_create")
    assert [(e.actor, e.summary) for e in entries] == [
        ("robin@example.org", "Created the tracked link /give/glasgow-vigil (£7.00)"),
        ("robin@example.org", "Created the tracked link /give/livestream (any amount)"),
    ]
    assert entries[0].detail == {"code": "glasgow-vigil", "label": "glasgow-vigil", "amount": 700}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "Bad Code!"}, "The code may use a-z, 0-9 and dashes"),
        ({"code": ""}, "Choose a code, e.g. glasgow-vigil."),
        ({"code": "x" * 65}, "Field cannot be longer than 64 characters."),
        ({"code": "cheap", "amount": "0.10"}, "The amount must be from £1.00 to £10,000.00."),
        ({"code": "lots", "amount": "lots"}, "Please enter an amount in numbers"),
        ({"code": "long-label", "label": "y" * 65}, "Field cannot be longer than 64 characters."),
        ({"code": "vigil"}, "There is already a link /give/vigil."),
        ({"code": "vigil-2", "label": "vigil"}, "The link /give/vigil already uses the label"),
    ],
)
def test_bad_links_are_refused_and_change_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, fields: dict[str, str], message: str
) -> None:
    assert create(logged_in, code="vigil").status_code == 302
    before = link_rows(app)
    response = create(logged_in, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert link_rows(app) == before
    with app.app_context():
        created = sa.select(sa.func.count()).where(AuditEntry.action == "link_create")
        assert db.session.scalar(created) == 1


@pytest.fixture
def _flush(localstripe: LocalStripe) -> Iterator[None]:
    localstripe.flush()
    yield


def give_through(app: Flask, code: str, amount: str, source: str) -> Donation:
    """A donor opens /give/<code> and starts a donation from that page (pending, at Stripe)."""
    donor = app.test_client()
    token = csrf_token(donor, f"/give/{code}")
    response = donate(donor, token, amount=amount, source=source)
    assert response.status_code == 200, response.json
    with app.app_context():
        donation = db.session.scalar(
            sa.select(Donation).where(Donation.public_id == response.json["donation"])
        )
        assert donation is not None
        db.session.expunge(donation)
        return donation


@pytest.mark.stripe
@pytest.mark.usefixtures("_flush")
def test_link_figures_after_donations_through_it(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    assert create(logged_in, code="glasgow-vigil", amount="7").status_code == 302
    assert create(logged_in, code="livestream").status_code == 302
    assert figures(logged_in, "glasgow-vigil") == {
        "clicks": "0",
        "donations": "0",
        "conversion": "—",
        "raised": "£0.00",
    }

    paid = give_through(app, "glasgow-vigil", "7", "glasgow-vigil")
    refunded = give_through(app, "glasgow-vigil", "20", "glasgow-vigil")
    give_through(app, "glasgow-vigil", "4", "glasgow-vigil")  # never paid
    other = give_through(app, "livestream", "4", "livestream")
    for donation in (paid, refunded, other):
        assert deliver(logged_in, succeeded_event(donation)).json["outcome"] == "counted"
    refund = re_.refund(refunded.stripe_payment_intent_id or "", 500)
    assert deliver(logged_in, se.event("refund.created", refund)).status_code == 200
    logged_in.get("/give/glasgow-vigil")  # a fourth visit, no donation

    # The same figures, worked out from the rows.
    with app.app_context():
        by_link = (
            sa.select(
                sa.func.count(),
                sa.func.sum(Donation.amount_minor)
                - sa.func.coalesce(sa.func.sum(DonationDeduction.deducted_minor), 0),
            )
            .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
            .where(Donation.source == "glasgow-vigil", Donation.status == "succeeded")
        )
        count, raised = db.session.execute(by_link).one()
    assert (count, raised) == (2, 700 + 2000 - 500)
    assert figures(logged_in, "glasgow-vigil") == {
        "clicks": "4",
        "donations": "2",
        "conversion": "50.0%",
        "raised": "£22.00",
    }
    assert figures(logged_in, "livestream") == {
        "clicks": "1",
        "donations": "1",
        "conversion": "100.0%",
        "raised": "£4.00",
    }
    html = logged_in.get("/dashboard/links").get_data(as_text=True)
    assert 'href="/dashboard/donations?source=glasgow-vigil&amp;status=succeeded"' in html
    listed = logged_in.get("/dashboard/donations?source=glasgow-vigil&status=succeeded")
    assert listed.get_data(as_text=True).count("<tr data-donation=") == 2


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("", "http://localhost/give/glasgow-vigil"),
        ("https://give.example.org", "https://give.example.org/give/glasgow-vigil"),
    ],
)
def test_qr_codes_encode_the_links_address(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, base: str, expected: str
) -> None:
    assert create(logged_in, code="glasgow-vigil").status_code == 302
    saved = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = base
    try:
        png = logged_in.get("/dashboard/links/glasgow-vigil/qr.png")
        svg = logged_in.get("/dashboard/links/glasgow-vigil/qr.svg")
    finally:
        app.config["PUBLIC_BASE_URL"] = saved
    assert (png.status_code, png.mimetype) == (200, "image/png")
    assert (svg.status_code, svg.mimetype) == (200, "image/svg+xml")
    assert 'filename="give-glasgow-vigil.png"' in png.headers["Content-Disposition"]
    assert decode_png(png.get_data()) == [expected]
    assert decode_svg(svg.get_data()) == [expected]
    assert link_rows(app)[0][3] == 0, "making a QR code is not a visit"


def test_qr_code_of_an_unknown_link_is_404(
    app: Flask, logged_in: FlaskClient, client: FlaskClient, campaign: Campaign
) -> None:
    assert logged_in.get("/dashboard/links/no-such-link/qr.png").status_code == 404
    assert logged_in.get("/dashboard/links/%00/qr.svg").status_code == 404
    assert create(logged_in, code="vigil").status_code == 302
    anonymous = client.get("/dashboard/links/vigil/qr.png")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
