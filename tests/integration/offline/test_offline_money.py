"""Offline money: counted in raised, correctable and removable with a reason, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, OfflineGift
from tests.support.dashboard import hidden_fields, post_form
from tests.support.harness import campaign_totals

TODAY = datetime.now(UTC).date()


def add(client: FlaskClient, **fields: str):
    data = {"amount": "57.20", "received_on": TODAY.isoformat(), "method": "cash", **fields}
    return post_form(client, "/dashboard/offline", "/dashboard/offline", **data)


def correct(client: FlaskClient, gift_id: int, **fields: str):
    edit = f"/dashboard/offline/{gift_id}"
    data = {"received_on": TODAY.isoformat(), "method": "cash", **fields}
    return post_form(client, edit, edit, **data)


def only_gift(app: Flask) -> OfflineGift:
    with app.app_context():
        gift = db.session.scalar(sa.select(OfflineGift))
        db.session.expunge(gift)
        return gift


def test_add_correct_remove_moves_raised_exactly(
    app: Flask, logged_in: FlaskClient, campaign: Campaign, client: FlaskClient
) -> None:
    response = add(logged_in, source="glasgow-vigil", note="bucket, Sunday")
    assert response.status_code == 302
    assert campaign_totals(app) == (5720, 0), "raised moves; donation count does not"
    assert client.get("/api/progress").json["raised"] == 5720
    gift = only_gift(app)
    assert (gift.method, gift.source, gift.note) == ("cash", "glasgow-vigil", "bucket, Sunday")
    assert "Cash (bucket)" in logged_in.get("/dashboard/offline").get_data(as_text=True)

    edit = f"/dashboard/offline/{gift.id}"
    no_reason = correct(logged_in, gift.id, amount="75.20", reason="")
    assert no_reason.status_code == 400 and campaign_totals(app) == (5720, 0)
    fixed = correct(logged_in, gift.id, amount="75.20", reason="miscounted the fivers")
    assert fixed.status_code == 302
    assert campaign_totals(app) == (7520, 0)

    remove = f"/dashboard/offline/{gift.id}/remove"
    assert post_form(logged_in, edit, remove, reason="").status_code == 303
    assert campaign_totals(app) == (7520, 0)
    assert post_form(logged_in, edit, remove, reason="entered twice").status_code == 302
    assert campaign_totals(app) == (0, 0)
    removed = only_gift(app)
    assert removed.removed_at is not None and removed.removed_reason == "entered twice"
    # Removing again takes nothing more out.
    assert post_form(logged_in, "/dashboard/offline", remove, reason="again").status_code == 303
    assert campaign_totals(app) == (0, 0)

    with app.app_context():
        entries = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
            .where(AuditEntry.action.like("offline%"))
            .order_by(AuditEntry.id)
        ).all()
    assert [e.action for e in entries] == ["offline_add", "offline_correct", "offline_remove"]
    assert {e.actor for e in entries} == {"robin@example.org"}
    assert entries[1].detail["before"]["amount"] == 5720
    assert entries[1].detail["after"]["amount"] == 7520
    assert entries[1].detail["reason"] == "miscounted the fivers"
    assert entries[2].detail["reason"] == "entered twice"


def test_a_correction_from_a_stale_page_changes_nothing(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    add(logged_in, amount="10")
    gift = only_gift(app)
    edit = f"/dashboard/offline/{gift.id}"
    stale = hidden_fields(logged_in.get(edit).get_data(as_text=True))
    assert correct(logged_in, gift.id, amount="12", reason="first").status_code == 302
    form = {**stale, "amount": "30", "received_on": TODAY.isoformat(), "method": "cash"}
    response = logged_in.post(edit, data={**form, "reason": "second, from an old tab"})
    assert response.status_code == 400
    assert "Someone changed this entry meanwhile" in response.get_data(as_text=True)
    assert campaign_totals(app) == (1200, 0)


def test_bad_entries_are_refused_with_a_message(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    for fields, message in [
        ({"amount": "0"}, "more than zero"),
        ({"amount": "lots"}, "Please enter an amount in numbers"),
        ({"received_on": tomorrow}, "cannot be in the future"),
        ({"received_on": "next week"}, "Not a valid date value."),
        ({"method": "crypto"}, "Not a valid choice."),
        ({"source": "x" * 65}, "Field cannot be longer than 64 characters."),
    ]:
        response = add(logged_in, **fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert campaign_totals(app) == (0, 0)
    assert logged_in.get("/dashboard/offline/999").status_code == 404


def test_the_form_names_the_missing_field_and_starts_at_today(
    app: Flask, logged_in: FlaskClient, campaign: Campaign
) -> None:
    page = logged_in.get("/dashboard/offline").get_data(as_text=True)
    assert f'name="received_on" required type="date" value="{TODAY.isoformat()}"' in page
    for fields, message in [
        ({"amount": ""}, "Amount: This field is required."),
        ({"received_on": ""}, "Date received: Give the date it was received."),
    ]:
        response = add(logged_in, **fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert campaign_totals(app) == (0, 0)
