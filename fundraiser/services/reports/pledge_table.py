"""The organisers' pledges table: the donations table's filters and pages, for pledges.

A pledge has no source link and no name, so of `donation_table.Filters` it
uses the status, the date range (on the payday, the date organisers plan
around: "who is due this Friday?") and the search (over the email).
Each row carries the donation that paid the pledge, if one has, with its
Stripe id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import Campaign, Donation, DonationStatus, Pledge
from ..pledges.pledges import CANCELLED, FULFILLED, LAPSED, PLEDGED
from .donation_table import PER_PAGE, Filters, Page, like_pattern, paginate

STATUSES = (PLEDGED, FULFILLED, LAPSED, CANCELLED)


def _paying(column: Any) -> sa.ScalarSelect[Any]:
    """`column` of the first succeeded donation that paid the pledge, as a subquery."""
    return (
        sa.select(column)
        .where(Donation.pledge_id == Pledge.id, Donation.status == DonationStatus.SUCCEEDED)
        .order_by(Donation.succeeded_at, Donation.id)
        .limit(1)
        .correlate(Pledge)
        .scalar_subquery()
    )


def select_pledges(campaign_id: int, filters: Filters) -> sa.Select[Any]:
    """Pledges with their paying donation's ids, newest first, filtered."""
    query = sa.select(
        Pledge,
        _paying(Donation.public_id).label("donation_id"),
        _paying(Donation.stripe_payment_intent_id).label("stripe_id"),
    ).where(Pledge.campaign_id == campaign_id)
    if filters.status:
        query = query.where(Pledge.status == filters.status)
    if filters.date_from:
        query = query.where(Pledge.payday >= filters.date_from)
    if filters.date_to:
        query = query.where(Pledge.payday <= filters.date_to)
    if filters.q:
        query = query.where(sa.func.lower(Pledge.email).like(like_pattern(filters.q), escape="\\"))
    return query.order_by(Pledge.created_at.desc(), Pledge.id.desc())


def page(campaign: Campaign, filters: Filters, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of the table; rows are (Pledge, donation_id, stripe_id)."""
    return paginate(select_pledges(campaign.id, filters), number, per_page)


def rows(campaign_id: int, filters: Filters) -> Iterator[Any]:
    """Every matching row, fetched in batches, for a streamed export (takes the id:
    a streamed response runs after the view's session has closed)."""
    yield from db.session.execute(
        select_pledges(campaign_id, filters).execution_options(yield_per=500)
    )
