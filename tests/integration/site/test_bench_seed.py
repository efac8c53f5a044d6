"""`fundraiser bench-seed`: many rows fast, with totals that match them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from fundraiser.cli.bench import seeded_total
from fundraiser.extensions import db
from fundraiser.models import Campaign, Donation
from fundraiser.services.donations import donations


def test_seed_adds_counted_and_pending_donations_with_consistent_totals(
    app: Flask, campaign: Campaign
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["fundraiser", "bench-seed", "1000", "--pending", "25"])
    assert result.exit_code == 0, result.output
    assert "Seeded 1000 succeeded and 25 pending" in result.output
    with app.app_context():
        total, rows = db.session.execute(
            sa.select(sa.func.sum(Donation.amount_minor), sa.func.count()).where(
                Donation.status == donations.SUCCEEDED
            )
        ).one()
        stored = db.session.get(Campaign, campaign.id)
        assert (
            (stored.raised_minor, stored.donations_count)
            == (total, rows)
            == (
                seeded_total(1000, (400, 700, 2000)),
                1000,
            )
        )
        pending = db.session.scalars(
            sa.select(Donation).where(Donation.status == donations.PENDING)
        ).all()
        assert len(pending) == 25
        assert len({d.stripe_payment_intent_id for d in pending}) == 25
        assert all(d.source == "bench" and not d.name_public for d in pending)
    # A second run adds to the first, with fresh unique ids.
    assert runner.invoke(args=["fundraiser", "bench-seed", "10"]).exit_code == 0
    with app.app_context():
        assert db.session.get(Campaign, campaign.id).donations_count == 1010


def test_seed_makes_the_demo_campaign_when_there_is_none(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["fundraiser", "bench-seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [campaign] = db.session.scalars(sa.select(Campaign)).all()
        assert (campaign.raised_minor, campaign.donations_count) == (400 + 700 + 2000, 3)


@given(st.integers(min_value=0, max_value=500), st.tuples(*[st.integers(1, 10**6)] * 3))
def test_seeded_total_is_the_sum_of_the_cycle(count: int, amounts: tuple[int, int, int]) -> None:
    assert seeded_total(count, amounts) == sum(amounts[n % 3] for n in range(1, count + 1))
