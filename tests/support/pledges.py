"""Helpers for pledge tests: make pledges as the page does, run commands, read state."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, OutboxMessage, Pledge
from fundraiser.models.types import utcnow
from tests.support import stripe_events as se
from tests.support.harness import WEBHOOK_SECRET
from tests.support.http import csrf_token

M = TypeVar("M")

_LINK = re.compile(r"https?://\S+")


def today() -> date:
    return utcnow().date()


def at(day: date, hour: int = 9) -> str:
    """An ISO 8601 time on `day` for --now (after the 08:00 UTC reminder time)."""
    return datetime.combine(day, time(hour), UTC).isoformat()


def pledge_form(page: str, email: str) -> dict[str, str]:
    """A £7 pledge for three days from now, as a browser posts it from `page`'s form."""
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found, "the pledge page has no CSRF token"
    return {
        "csrf_token": found[1],
        "tier": "700",
        "payday": "other",
        "payday_other": (today() + timedelta(days=3)).isoformat(),
        "email": email,
        "consent": "y",
    }


def make_pledge(
    client: FlaskClient,
    *,
    payday: date,
    email: str = "pat@example.org",
    tier: str = "700",
    custom_amount: str = "",
    consent: bool = True,
    payday_choice: str = "other",
    **extra: Any,
) -> TestResponse:
    """POST the pledge form as a browser without JavaScript would.

    `payday_choice` is the quick-choice radio's value (an ISO date), or "other"
    for the date input, which gets `payday`.
    """
    form = {
        "csrf_token": csrf_token(client, "/pledge"),
        "tier": tier,
        "custom_amount": custom_amount,
        "payday": payday_choice,
        "payday_other": payday.isoformat(),
        "email": email,
        **({"consent": "y"} if consent else {}),
        **extra,
    }
    return client.post("/pledge", data=form)


def cli(app: Flask, *args: str) -> Result:
    result = app.test_cli_runner().invoke(args=["fundraiser", *args])
    assert result.exit_code == 0, result.output
    return result


def links(text: str) -> list[str]:
    return _LINK.findall(text)


def link_path(text: str, prefix: str) -> str:
    """The path of the first link in `text` whose path starts with `prefix`."""
    for url in links(text):
        parts = urlsplit(url)
        if parts.path.startswith(prefix):
            return parts.path
    raise AssertionError(f"no {prefix} link in:\n{text}")


def rows(app: Flask, model: type[M]) -> list[M]:
    """Every row of `model`, oldest first, detached so tests can read them freely."""
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).order_by(model.id)))  # type: ignore[attr-defined]
        for row in found:
            db.session.expunge(row)
        return found


def pledges(app: Flask) -> list[Pledge]:
    return rows(app, Pledge)


def outbox(app: Flask) -> list[OutboxMessage]:
    return rows(app, OutboxMessage)


def donations(app: Flask) -> list[Donation]:
    return rows(app, Donation)


def webhook_success(
    client: FlaskClient, donation: Donation, event_id: str | None = None
) -> TestResponse:
    """Deliver a signed payment_intent.succeeded for `donation` to the webhook."""
    obj = se.payment_intent(
        donation.stripe_payment_intent_id or "",
        amount=donation.amount_minor,
        donation_id=donation.id,
    )
    body, headers = se.signed(
        se.event("payment_intent.succeeded", obj, event_id=event_id), WEBHOOK_SECRET
    )
    return client.post("/stripe/webhook", data=body, headers=headers)


def totals(app: Flask) -> dict[str, int]:
    """raised, donations and pledged as stored, read fresh."""
    with app.app_context():
        c = db.session.execute(
            sa.select(Campaign.raised_minor, Campaign.donations_count, Campaign.pledged_minor)
        ).one()
        return {"raised": int(c[0]), "donations": int(c[1]), "pledged": int(c[2])}
