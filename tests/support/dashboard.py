"""Helpers for dashboard tests: logging in, posting forms with their CSRF token, and rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.campaigns import bump_totals
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
