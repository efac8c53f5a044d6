"""Teams: creating them, finding them, their totals and the leaderboard.

A team's `raised_minor` and `donations_count` move in the same transaction as
the donation they count, through the `donation_succeeded` signal, so a team's
total is one row and always equals the sum of its succeeded donations' gifts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from .. import signals
from ..extensions import db
from ..models import Campaign, Donation, Team
from ..money import format_money
from .campaigns import Progress, bump_totals
from .slugs import first_free, slugify

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


class TeamError(ValueError):
    """Settings that do not describe a team, or a team that does not exist."""


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of the public leaderboard: money and count, never who gave."""

    rank: int
    name: str
    slug: str
    currency: str
    raised: int
    donations: int
    target: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "name": self.name,
            "slug": self.slug,
            "currency": self.currency,
            "raised": self.raised,
            "donations": self.donations,
            "target": self.target,
            "raised_display": format_money(self.raised, self.currency),
        }


def create_team(
    campaign: Campaign,
    *,
    name: str,
    slug: str | None = None,
    target_minor: int | None = None,
    note: str = "",
) -> Team:
    """Create and commit a team of `campaign`; raises TeamError on bad settings.

    A slug given explicitly must be free; one made from the name gets a
    numeric suffix if needed.
    """
    name = " ".join(name.split())
    if not name:
        raise TeamError("The team needs a name.")
    if len(name) > 100:
        raise TeamError("The team name can be at most 100 characters.")
    if len(note) > 300:
        raise TeamError("The note can be at most 300 characters.")
    if db.session.scalar(
        sa.select(Team.id).where(
            Team.campaign_id == campaign.id, sa.func.lower(Team.name) == name.lower()
        )
    ):
        raise TeamError(f"There is already a team called {name!r}.")
    if target_minor is not None and target_minor <= 0:
        raise TeamError("A team target must be more than zero.")
    if slug:
        slug = slug.strip().lower()
        if not SLUG.fullmatch(slug):
            raise TeamError("The slug may hold only a-z, 0-9 and inner hyphens (e.g. glasgow).")
        if by_slug(campaign, slug) is not None:
            raise TeamError(f"There is already a team at /t/{slug}.")
    else:
        slug = first_free(
            slugify(name, 56) or "team",
            db.session.scalars(sa.select(Team.slug).where(Team.campaign_id == campaign.id)),
        )
    team = Team(
        campaign_id=campaign.id,
        slug=slug,
        name=name,
        note=note.strip(),
        target_minor=target_minor,
    )
    db.session.add(team)
    # The campaign page lists the teams and is cached by the campaign's version.
    bump_totals(campaign.id)
    db.session.commit()
    return team


def by_slug(campaign: Campaign, slug: str) -> Team | None:
    """The campaign's team at /t/<slug>, or None."""
    return db.session.scalar(
        sa.select(Team).where(Team.campaign_id == campaign.id, Team.slug == slug.lower())
    )


def for_donation(campaign: Campaign, slug: str | None) -> Team | None:
    """The team a donation form names (None for none); TeamError if it names no team."""
    if not slug:
        return None
    team = by_slug(campaign, slug)
    if team is None:
        raise TeamError(gettext("That team doesn't exist. Please reload the page and try again."))
    return team


def progress(team: Team) -> Progress:
    """The team's totals in the campaign's shape; target 0 when it has none of its own."""
    campaign = team.campaign
    return Progress(
        currency=campaign.currency,
        target=team.target_minor or 0,
        raised=team.raised_minor,
        donations=team.donations_count,
        pledged=0,
        deadline=campaign.deadline,
        version=team.totals_version,
    )


def leaderboard(campaign: Campaign) -> list[Standing]:
    """The campaign's teams, most raised first, then most donations, then by name."""
    teams = db.session.scalars(
        sa.select(Team)
        .where(Team.campaign_id == campaign.id)
        .order_by(Team.raised_minor.desc(), Team.donations_count.desc(), Team.name)
    )
    return [
        Standing(
            rank=i,
            name=t.name,
            slug=t.slug,
            currency=campaign.currency,
            raised=t.raised_minor,
            donations=t.donations_count,
            target=t.target_minor,
        )
        for i, t in enumerate(teams, start=1)
    ]


def bump_team_totals(team_id: int, *, raised: int = 0, donations: int = 0) -> None:
    """Move a team's derived totals by the given deltas, atomically, in the caller's transaction."""
    db.session.execute(
        sa.update(Team)
        .where(Team.id == team_id)
        .values(
            raised_minor=Team.raised_minor + raised,
            donations_count=Team.donations_count + donations,
            totals_version=Team.totals_version + 1,
        )
        .execution_options(synchronize_session=False)
    )


@signals.donation_succeeded.connect
def _count_for_team(donation: Donation, **_: Any) -> None:
    # Sent once per donation, inside the transaction that counts it for the
    # campaign, so the team moves with the campaign or not at all. The gift
    # counts, not the fee cover, as for the campaign.
    if donation.team_id is not None:
        bump_team_totals(donation.team_id, raised=donation.amount_minor, donations=1)
