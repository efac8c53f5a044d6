"""Helpers for dashboard tests: logging in, posting forms with their CSRF token, rows,
and reading CSV exports back."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundraiser.extensions import db
from fundraiser.models import AuditEntry, Campaign, Donation, Pledge
from fundraiser.services.campaigns.campaigns import bump_totals
from tests.support.http import csrf_token

BASE_TIME = datetime(2017, 4, 20, 12, 0, tzinfo=UTC)
_counter = iter(range(1, 10**9))

_FIELD = re.compile(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"')


def login(client: FlaskClient, email: str, password: str, **kw: Any) -> TestResponse:
    token = csrf_token(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kw
    )


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, request keys), by name."""
    return {
        m.group("name"): m.group("value")
        for m in _FIELD.finditer(html)
        if 'type="hidden"' in m.group(0)
    }


def post_form(client: FlaskClient, page: str, action: str, **fields: Any) -> TestResponse:
    """Open `page`, take its hidden fields, and POST them with `fields` to `action`."""
    html = client.get(page).get_data(as_text=True)
    data = {**hidden_fields(html), **fields}
    return client.post(action, data=data)


def make_donation(
    campaign: Campaign, amount: int, *, status: str = "succeeded", **fields: Any
) -> Donation:
    """A donation; succeeded ones are counted in the totals as the webhook would.

    Call inside an app context; commits.
    """
    n = next(_counter)
    created = fields.pop("created_at", BASE_TIME + timedelta(minutes=n))
    donation = Donation(
        campaign_id=campaign.id,
        amount_minor=amount,
        currency=campaign.currency,
        status=status,
        stripe_payment_intent_id=fields.pop("stripe_payment_intent_id", f"pi_factory_{n}"),
        created_at=created,
        succeeded_at=created + timedelta(seconds=5) if status == "succeeded" else None,
        **fields,
    )
    db.session.add(donation)
    if status == "succeeded":
        bump_totals(campaign.id, raised=amount, donations=1)
    db.session.commit()
    return donation


def make_pledge_row(
    campaign: Campaign, amount: int, payday: date, *, status: str = "pledged", **fields: Any
) -> Pledge:
    """A pledge row as the service leaves it (open ones counted as pledged).

    Call inside an app context; commits. For rows the form would refuse
    (e.g. an email starting with "="), to test what organisers see of them.
    """
    n = next(_counter)
    pledge = Pledge(
        campaign_id=campaign.id,
        amount_minor=amount,
        currency=campaign.currency,
        email=fields.pop("email", f"p{n}@example.org"),
        payday=payday,
        remind_at=datetime.combine(payday, time(8), UTC),
        consent=fields.pop("consent", True),
        status=status,
        created_at=fields.pop("created_at", BASE_TIME + timedelta(minutes=n)),
        **fields,
    )
    db.session.add(pledge)
    if status == "pledged":
        bump_totals(campaign.id, pledged=amount)
    db.session.commit()
    return pledge


def parse_csv(response: TestResponse) -> list[dict[str, str]]:
    """A CSV download's rows, after checking it is what Excel wants (BOM, CRLF)."""
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "UTF-8 byte-order mark for Excel"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


def iso(value: datetime | None) -> str:
    """How the exports write a time: ISO 8601 UTC, or empty."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def neutralised(value: str | None) -> str:
    """What a text cell must hold: formula starts prefixed with an apostrophe."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_entries(app: Flask, action: str) -> list[AuditEntry]:
    """The audit entries of one kind, oldest first (detached)."""
    with app.app_context():
        entries = list(
            db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
        for entry in entries:
            db.session.expunge(entry)
        return entries
