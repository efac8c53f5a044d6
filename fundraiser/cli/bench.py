"""`fundraiser bench-seed N`: fill the database for the benchmark (bench/run.py).

Never for a real drive: the rows it makes are marked `source="bench"`.
"""

from __future__ import annotations

import secrets

import click
import sqlalchemy as sa

from ..extensions import db
from ..models import Campaign, Donation
from ..models.types import UTCDateTime, utcnow
from ..services.campaigns import campaigns
from ..services.donations.donations import PENDING, SUCCEEDED
from . import bp
from .commands import demo

BENCH_SOURCE = "bench"
PENDING_AMOUNT = 400

# One INSERT ... SELECT over a recursive counter: the database makes the rows
# itself (a million in seconds on SQLite), and it runs on SQLite and PostgreSQL.
_INSERT = sa.text(
    """
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count)
    INSERT INTO donation (public_id, campaign_id, amount_minor, currency, status,
                          name_public, source, stripe_payment_intent_id,
                          created_at, updated_at, succeeded_at)
    SELECT :prefix || n, :campaign_id,
           CASE n % 3 WHEN 0 THEN :a0 WHEN 1 THEN :a1 ELSE :a2 END,
           :currency, :status, :name_public, :source, :intent_prefix || n,
           :now, :now, :succeeded_at
    FROM seq
    """
).bindparams(
    sa.bindparam("now", type_=UTCDateTime),
    sa.bindparam("succeeded_at", type_=UTCDateTime),
    sa.bindparam("name_public", type_=sa.Boolean),
)


def amounts_for(campaign: Campaign) -> tuple[int, int, int]:
    """The three amounts seeded rows cycle through: the campaign's first tiers."""
    tiers = [int(t["amount"]) for t in campaign.tiers][:3] or [campaign.min_amount_minor]
    while len(tiers) < 3:
        tiers.append(tiers[-1])
    return tiers[0], tiers[1], tiers[2]


def seeded_total(count: int, amounts: tuple[int, int, int]) -> int:
    """The sum of `count` rows whose amount cycles by n % 3 for n = 1..count."""
    zeros, ones, twos = count // 3, (count + 2) // 3, (count + 1) // 3
    return zeros * amounts[0] + ones * amounts[1] + twos * amounts[2]


def insert_donations(
    campaign: Campaign, count: int, *, status: str, amounts: tuple[int, int, int]
) -> None:
    """Insert `count` donations in `status` in one statement, in the caller's transaction."""
    if count <= 0:
        return
    tag = secrets.token_hex(4)
    now = utcnow()
    db.session.execute(
        _INSERT,
        {
            "count": count,
            "prefix": f"bench-{tag}-",
            "intent_prefix": f"pi_bench_{tag}_",
            "campaign_id": campaign.id,
            "a0": amounts[0],
            "a1": amounts[1],
            "a2": amounts[2],
            "currency": campaign.currency,
            "status": status,
            "name_public": False,
            "source": BENCH_SOURCE,
            "now": now,
            "succeeded_at": now if status == SUCCEEDED else None,
        },
    )


def seed(campaign: Campaign, succeeded: int, pending: int) -> None:
    """Add `succeeded` counted donations (totals moved to match) and `pending` ones, and commit."""
    amounts = amounts_for(campaign)
    insert_donations(campaign, succeeded, status=SUCCEEDED, amounts=amounts)
    campaigns.bump_totals(campaign.id, raised=seeded_total(succeeded, amounts), donations=succeeded)
    flat = (PENDING_AMOUNT, PENDING_AMOUNT, PENDING_AMOUNT)
    insert_donations(campaign, pending, status=PENDING, amounts=flat)
    db.session.commit()


@bp.cli.command("bench-seed")
@click.argument("count", type=click.IntRange(min=0))
@click.option(
    "--pending",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also add this many pending donations (for webhook load).",
)
@click.pass_context
def bench_seed(ctx: click.Context, count: int, pending: int) -> None:
    """Add COUNT succeeded donations to the current campaign, for benchmarks only."""
    campaign = campaigns.current_campaign()
    if campaign is None:
        ctx.invoke(demo)
        campaign = campaigns.current_campaign()
    assert campaign is not None
    seed(campaign, count, pending)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Donation))
    click.echo(f"Seeded {count} succeeded and {pending} pending donations ({total} in all).")
