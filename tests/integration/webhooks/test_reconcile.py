"""Reconciliation: with the webhook dead, payments still end up counted, to the penny."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, StripeEvent
from fundraiser.services.donations import donations
from tests.support import stripe_events as se
from tests.support.attack import client_at, donate_as, intent_id, pay
from tests.support.harness import WEBHOOK_SECRET, LocalStripe, campaign_totals

pytestmark = pytest.mark.stripe


def stripe_truth(localstripe: LocalStripe) -> tuple[int, int]:
    """What Stripe holds as taken: (sum of succeeded intents, how many)."""
    intents = localstripe.client().v1.payment_intents.list(params={"limit": 100}).data
    taken = [i["amount"] for i in intents if i["status"] == "succeeded"]
    return sum(taken), len(taken)


def reconcile(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["fundraiser", "reconcile", *args])
    assert result.exit_code == 0, result.output
    return result.output


def ledger(app: Flask) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(sa.select(StripeEvent.id, StripeEvent.source)).all())


def statuses(app: Flask) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Donation.amount_minor, Donation.status)).all())


def test_lost_webhooks_are_recorded_by_reconcile_once(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    localstripe: LocalStripe,
    webhook_down: None,
) -> None:
    localstripe.flush()
    for n, (amount, card) in enumerate(
        [("4", "pm_card_visa"), ("7.25", "pm_card_visa"), ("20", "pm_card_chargeCustomerFail")]
    ):
        response = donate_as(client_at(app, f"192.0.2.{60 + n}"), amount=amount)
        pay(localstripe, intent_id(response), card)
    donate_as(client_at(app, "192.0.2.70"), amount="9")  # started, never paid
    assert campaign_totals(app) == (0, 0), "no webhook reached the app"

    output = reconcile(app)
    print("\n" + output)
    assert stripe_truth(localstripe) == (1125, 2)
    assert campaign_totals(app) == stripe_truth(localstripe)
    assert output.count("payment_intent.succeeded: counted") == 2
    assert output.count("payment_intent.payment_failed: marked_failed") == 1
    assert "£11.25 from 2 donations | £11.25 from 2 payments  (equal)" in output
    assert statuses(app) == {
        400: donations.SUCCEEDED,
        725: donations.SUCCEEDED,
        2000: donations.FAILED,
        900: donations.PENDING,
    }
    recorded = ledger(app)
    assert set(recorded.values()) == {"reconcile"}

    again = reconcile(app)
    assert "Nothing to fix." in again
    assert f"{len(recorded)} already recorded, 0 fixed" in again
    assert campaign_totals(app) == (1125, 2)
    assert ledger(app) == recorded

    # The lost webhook turns up after all: the ledger has it, nothing moves.
    [late] = (
        localstripe.client()
        .v1.events.list(params={"type": "payment_intent.succeeded", "limit": 1})
        .data
    )
    body, headers = se.signed(late.to_dict(), WEBHOOK_SECRET)
    answer = client.post("/stripe/webhook", data=body, headers=headers)
    assert answer.json["outcome"] == "duplicate"
    assert campaign_totals(app) == (1125, 2)


def test_since_limits_the_walk_and_bad_times_are_clear_errors(
    app: Flask, campaign: Campaign, localstripe: LocalStripe, webhook_down: None
) -> None:
    localstripe.flush()
    pay(localstripe, intent_id(donate_as(client_at(app, "192.0.2.80"), amount="4")))
    assert "Checked 0 Stripe events" in reconcile(app, "--since", "2999-01-01T00:00:00Z")
    assert campaign_totals(app) == (0, 0)
    assert "Checked 1 Stripe events" in reconcile(app, "--since", "PT1H")
    assert campaign_totals(app) == (400, 1)
    result = app.test_cli_runner().invoke(
        args=["fundraiser", "reconcile", "--since", "last tuesday"]
    )
    assert result.exit_code == 2
    assert "ISO 8601" in result.output
    assert "Traceback" not in result.output


def test_fee_cover_and_offline_money_are_not_differences(
    app: Flask, campaign: Campaign, localstripe: LocalStripe, webhook_down: None, organiser: str
) -> None:
    """Stripe holds gift + cover; `raised` holds the gift plus bucket cash: both sides agree."""
    from datetime import date

    from fundraiser.models import Organiser
    from fundraiser.services.offline import offline

    localstripe.flush()
    response = donate_as(client_at(app, "192.0.2.80"), amount="4", cover_fees=True)
    pay(localstripe, intent_id(response), "pm_card_visa")
    with app.app_context():
        who = db.session.scalar(sa.select(Organiser))
        entry = offline.OfflineEntry(1250, date.today(), "cash", "glasgow-vigil", "bucket")
        offline.add(db.session.get(Campaign, campaign.id), entry, who)

    output = reconcile(app)
    assert stripe_truth(localstripe) == (427, 1)
    assert campaign_totals(app) == (400 + 1250, 1)
    assert "£4.00 from 1 donations | £4.00 from 1 payments  (equal)" in output


def test_a_correct_ledger_with_a_refunded_fee_cover_has_nothing_to_fix(
    app: Flask,
    client: FlaskClient,
    campaign: Campaign,
    localstripe: LocalStripe,
    live_server: object,
) -> None:
    """Refunding the whole charge (gift + cover) takes the gift out of `raised`, no more:
    Stripe's side, counted the same way, agrees instead of showing the cover twice."""
    from tests.support.harness import wait_until

    localstripe.flush()
    response = donate_as(client_at(app, "192.0.2.81"), amount="4", cover_fees=True)
    paid = intent_id(response)
    pay(localstripe, paid, "pm_card_visa")
    kept = donate_as(client_at(app, "192.0.2.82"), amount="7")
    pay(localstripe, intent_id(kept), "pm_card_visa")
    assert wait_until(lambda: campaign_totals(app) == (1100, 2), timeout=10)
    refund = localstripe.client().v1.refunds.create(params={"payment_intent": paid, "amount": 427})
    body, headers = se.signed(se.event("refund.created", refund.to_dict()), WEBHOOK_SECRET)
    assert client.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    assert campaign_totals(app) == (700, 2)

    output = reconcile(app)
    assert "Nothing to fix." in output
    assert "£7.00 from 2 donations | £7.00 from 2 payments  (equal)" in output
    assert campaign_totals(app) == (700, 2)


def test_reconcile_fails_donations_that_never_reached_stripe(
    app: Flask, campaign: Campaign, localstripe: LocalStripe, webhook_down: None
) -> None:
    """A process killed between committing the row and asking Stripe leaves `created`."""
    from datetime import timedelta

    from fundraiser.models.types import utcnow

    localstripe.flush()
    with app.app_context():
        for minutes in (16, 1):  # one abandoned long ago, one that may still be starting
            db.session.add(
                Donation(
                    campaign_id=campaign.id,
                    amount_minor=400,
                    currency="gbp",
                    status=donations.CREATED,
                    created_at=utcnow() - timedelta(minutes=minutes),
                )
            )
        db.session.commit()
    output = reconcile(app)
    assert "failed 1 donations that never reached Stripe" in output
    assert "Nothing to fix." not in output
    with app.app_context():
        rows = db.session.execute(
            sa.select(Donation.created_at, Donation.status).order_by(Donation.created_at)
        ).all()
        assert [status for _, status in rows] == [donations.FAILED, donations.CREATED]
    assert campaign_totals(app) == (0, 0)
    assert "Nothing to fix." in reconcile(app), "running it again changes nothing"
