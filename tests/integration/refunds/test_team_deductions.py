"""Team totals after refunds and disputes: they follow the campaign's, by the same delta.

Refunds and disputes arrive as signed webhooks (localstripe sends none); each
moves `raised` through services/refunds/refunds_and_disputes.py, whose `donation_deducted`
signal moves the donation's team by the same change of the gift.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation, Team
from tests.support import refund_events as re_
from tests.support import stripe_events as se
from tests.support.factories import give
from tests.support.harness import WEBHOOK_SECRET, campaign_totals


def team_totals(app: Flask, team: Team) -> tuple[int, int]:
    with app.app_context():
        row = db.session.execute(
            sa.select(Team.raised_minor, Team.donations_count).where(Team.id == team.id)
        ).one()
        return int(row[0]), int(row[1])


def post(client: FlaskClient, evt: dict) -> str:
    body, headers = se.signed(evt, WEBHOOK_SECRET)
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.json["outcome"])


def deliver(client: FlaskClient, event_type: str, obj: dict) -> str:
    return post(client, se.event(event_type, obj))


@pytest.fixture
def gifts(
    app: Flask, client: FlaskClient, campaign: Campaign, glasgow: Team, hull: Team
) -> dict[str, Donation]:
    """£20 (+ £0.52 fee cover) and £7 through Glasgow, £4 through Hull, £10 direct."""
    made = {
        "glasgow": give(app, client, campaign.id, 2000, team_id=glasgow.id, fee_cover=52),
        "glasgow2": give(app, client, campaign.id, 700, team_id=glasgow.id),
        "hull": give(app, client, campaign.id, 400, team_id=hull.id),
        "direct": give(app, client, campaign.id, 1000),
    }
    assert campaign_totals(app) == (4100, 4)
    assert team_totals(app, glasgow) == (2700, 2)
    return made


def test_a_refund_delivered_three_times_lowers_campaign_and_team_once(
    app: Flask,
    client: FlaskClient,
    gifts: dict[str, Donation],
    glasgow: Team,
    hull: Team,
) -> None:
    intent = gifts["glasgow"].stripe_payment_intent_id or ""
    evt = se.event("refund.created", re_.refund(intent, 700, refund_id="re_team"))
    outcomes = [post(client, evt) for _ in range(3)]
    assert outcomes[0] == "recorded", outcomes
    assert outcomes[1:] == ["duplicate", "duplicate"]
    assert campaign_totals(app) == (4100 - 700, 4)
    assert team_totals(app, glasgow) == (2700 - 700, 2)
    # The same refund in other events (new ids) moves neither again.
    deliver(client, "refund.updated", re_.refund(intent, 700, refund_id="re_team"))
    deliver(client, "charge.refunded", re_.charge(intent, 2052, amount_refunded=700))
    assert campaign_totals(app) == (3400, 4)
    assert team_totals(app, glasgow) == (2000, 2)
    assert team_totals(app, hull) == (400, 1), "another team is untouched"


def test_a_full_refund_takes_the_gift_not_the_fee_cover(
    app: Flask, client: FlaskClient, gifts: dict[str, Donation], glasgow: Team
) -> None:
    # Stripe refunds the whole charge (gift + cover); the totals only ever held the gift.
    intent = gifts["glasgow"].stripe_payment_intent_id or ""
    deliver(client, "charge.refunded", re_.charge(intent, 2052, amount_refunded=2052))
    assert campaign_totals(app) == (4100 - 2000, 4)
    assert team_totals(app, glasgow) == (700, 2)


def test_a_dispute_takes_the_team_money_out_until_won(
    app: Flask, client: FlaskClient, gifts: dict[str, Donation], glasgow: Team, hull: Team
) -> None:
    intent = gifts["hull"].stripe_payment_intent_id or ""
    deliver(client, "charge.dispute.created", re_.dispute(intent, 400, dispute_id="dp_hull"))
    assert (campaign_totals(app), team_totals(app, hull)) == ((3700, 4), (0, 1))
    deliver(
        client,
        "charge.dispute.closed",
        re_.dispute(intent, 400, dispute_id="dp_hull", status="won"),
    )
    assert (campaign_totals(app), team_totals(app, hull)) == ((4100, 4), (400, 1))
    assert team_totals(app, glasgow) == (2700, 2)


def test_a_refund_of_a_gift_with_no_team_moves_no_team(
    app: Flask, client: FlaskClient, gifts: dict[str, Donation], glasgow: Team, hull: Team
) -> None:
    intent = gifts["direct"].stripe_payment_intent_id or ""
    deliver(client, "refund.created", re_.refund(intent, 1000))
    assert campaign_totals(app) == (3100, 4)
    assert (team_totals(app, glasgow), team_totals(app, hull)) == ((2700, 2), (400, 1))


def test_team_totals_still_add_up_after_refunds_and_disputes(
    app: Flask, client: FlaskClient, gifts: dict[str, Donation], glasgow: Team, hull: Team
) -> None:
    for name, amount in (("glasgow", 300), ("glasgow", 5000), ("glasgow2", 200), ("hull", 100)):
        intent = gifts[name].stripe_payment_intent_id or ""
        deliver(client, "refund.created", re_.refund(intent, amount))
    intent = gifts["glasgow2"].stripe_payment_intent_id or ""
    deliver(client, "charge.dispute.created", re_.dispute(intent, 700, dispute_id="dp_g2"))
    with app.app_context():
        from fundraiser.models import DonationDeduction

        net = dict(
            db.session.execute(
                sa.select(
                    Donation.team_id,
                    sa.func.sum(
                        Donation.amount_minor
                        - sa.func.coalesce(DonationDeduction.deducted_minor, 0)
                    ),
                )
                .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
                .where(Donation.status == "succeeded")
                .group_by(Donation.team_id)
            ).all()
        )
    # Glasgow: £20 capped to nothing left, £7 disputed after £2 refunded: 0. Hull: £3.
    assert team_totals(app, glasgow) == (net[glasgow.id], 2) == (0, 2)
    assert team_totals(app, hull) == (net[hull.id], 1) == (300, 1)
    assert campaign_totals(app)[0] == sum(net.values()) == 1300
