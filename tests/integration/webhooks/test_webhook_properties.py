"""Property tests on raw webhook bodies: never a 500, and the books always balance.

Bodies are signed with the real secret (an attacker can't, but Stripe's own
odd or future events must not break the endpoint either) or not at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, DonationTransition, StripeEvent
from fundraiser.services.donations import donations
from tests.support import stripe_events as se
from tests.support.factories import add_donation
from tests.support.harness import WEBHOOK_SECRET

pytestmark = pytest.mark.stripe

FIXTURES_OK = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
INTENT = "pi_props_1"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["\x00", "\ud800", "gbp", "GBP", "succeeded", INTENT, "evt_1", "1"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def intents(draw: st.DrawFn, donation_id: int) -> dict[str, Any]:
    """A plausible PaymentIntent, or (half the time) one with fields junk or missing."""
    plausible = {
        "id": st.sampled_from([INTENT, "pi_other"]),
        "object": st.just("payment_intent"),
        "amount": st.sampled_from([400, 1]),
        "currency": st.sampled_from(["gbp", "GBP", "usd"]),
        "status": st.sampled_from(["succeeded", "requires_payment_method", "processing"]),
        "metadata": st.sampled_from([{"donation_id": str(donation_id)}, {}, {"donation_id": "x"}]),
        "last_payment_error": st.sampled_from([None, {"message": "Your card was declined."}]),
    }
    messy = draw(st.booleans())
    obj = {}
    for key, strategy in plausible.items():
        choice = draw(st.sampled_from(["plausible", "junk", "missing"])) if messy else "plausible"
        if choice != "missing":
            obj[key] = draw(strategy if choice == "plausible" else json_values)
    return obj


@st.composite
def events(draw: st.DrawFn, donation_id: int) -> Any:
    """A well-formed event half the time; else one part of it (or all of it) is junk."""
    envelope: dict[str, Any] = {
        "id": f"evt_{draw(st.uuids()).hex}",
        "object": "event",
        "type": draw(
            st.sampled_from(["payment_intent.succeeded", "payment_intent.payment_failed"])
        ),
        "created": se.event("x", {})["created"],
        "data": {"object": draw(intents(donation_id))},
    }
    spoilt = (
        draw(st.sampled_from(["id", "type", "created", "data", "all"]))
        if draw(st.booleans())
        else None
    )
    if spoilt == "all":
        return draw(json_values)
    if spoilt:
        envelope[spoilt] = draw(json_values)
    return envelope


def start_over(app: Flask, donation_id: int) -> None:
    """Each example starts from the same state: one pending £4 donation, nothing counted."""
    with app.app_context():
        db.session.execute(sa.delete(StripeEvent))
        db.session.execute(sa.delete(DonationTransition))
        db.session.execute(
            sa.update(Donation)
            .where(Donation.id == donation_id)
            .values(status=donations.PENDING, succeeded_at=None, failure_message=None)
        )
        db.session.execute(
            sa.update(Campaign).values(raised_minor=0, donations_count=0, totals_version=0)
        )
        db.session.commit()


def books_balance(app: Flask) -> tuple[int, int, int]:
    """The campaign's derived totals agree with its succeeded donations; returns them."""
    with app.app_context():
        raised, count = db.session.execute(
            sa.select(Campaign.raised_minor, Campaign.donations_count)
        ).one()
        succeeded = db.session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(Donation.amount_minor), 0), sa.func.count()
            ).where(Donation.status == donations.SUCCEEDED)
        ).one()
        ledger = db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent))
    assert (raised, count) == tuple(succeeded)
    return raised, count, int(ledger or 0)


@pytest.fixture
def pending(app: Flask, campaign: Campaign) -> int:
    return add_donation(app, campaign.id, stripe_payment_intent_id=INTENT).id


@FIXTURES_OK
@given(data=st.data())
def test_any_signed_event_is_answered_without_a_500_and_the_books_balance(
    app: Flask, pending: int, data: st.DataObject
) -> None:
    start_over(app, pending)
    evt = data.draw(events(pending))
    body = json.dumps(evt).encode()
    headers = {"Stripe-Signature": se.signature_header(body, WEBHOOK_SECRET)}
    before = books_balance(app)
    response = app.test_client().post("/stripe/webhook", data=body, headers=headers)
    event(f"answered {response.status_code}")
    assert response.status_code in {200, 400}, response.get_data(as_text=True)
    after = books_balance(app)
    applied = response.status_code == 200 and response.json["outcome"] != "ignored"
    if applied:
        event(f"outcome {response.json['outcome'][:30]}")
        assert after[2] == before[2] + 1  # exactly one ledger row for what was applied
    else:
        assert after == before  # nothing written at all
    # Stripe delivers it again: the same answer, and nothing moves.
    again = app.test_client().post("/stripe/webhook", data=body, headers=headers)
    assert again.status_code == response.status_code
    if applied:
        assert again.json["outcome"] == "duplicate"
    assert books_balance(app) == after


@FIXTURES_OK
@given(body=st.binary(max_size=300), signed=st.booleans(), skew=st.sampled_from([0, 301, -301]))
def test_any_raw_body_is_refused_or_handled_never_a_500(
    app: Flask, pending: int, body: bytes, signed: bool, skew: int
) -> None:
    import time

    before = books_balance(app)
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["Stripe-Signature"] = se.signature_header(
            body, WEBHOOK_SECRET, int(time.time()) + skew
        )
    response = app.test_client().post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code in {200, 400}
    if not signed or skew:
        assert response.status_code == 400
    assert books_balance(app) == before or response.status_code == 200
