"""Teams: creating and changing them, finding them, their totals and the leaderboard.

A team's `raised_minor` and `donations_count` move in the same transaction as
the donation they count, through the `donation_succeeded` signal, and follow
refunds and disputes through `donation_deducted` exactly as the campaign's
`raised` does, so a team's total is one row and always equals its succeeded
donations' gifts less what their refunds and disputes take out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from ...errors import UserError
from ...extensions import db
from ...models import Campaign, Donation, Organiser, Team
from ...money import format_money
from ..campaigns.campaigns import Progress, pages_changed
from ..organisers import audit
from ..organisers.scope import Scope, require_team, require_whole_campaign
from ..slugs import first_free, slugify

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


class TeamError(UserError, ValueError):
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
    # The name in Russian ("" when not written): pages show it through `words()`.
    name_ru: str = ""

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


def _clean(
    campaign_id: int, name: str, note: str, target_minor: int | None, *, team_id: int | None = None
) -> tuple[str, str]:
    """The name and note as stored; raises TeamError on settings that make no team."""
    name = " ".join(name.split())
    note = note.strip()
    if not name:
        raise TeamError("The team needs a name.")
    if len(name) > 100:
        raise TeamError("The team name can be at most 100 characters.")
    if len(note) > 300:
        raise TeamError("The note can be at most 300 characters.")
    if db.session.scalar(
        sa.select(Team.id).where(
            Team.campaign_id == campaign_id,
            sa.func.lower(Team.name) == name.lower(),
            Team.id != team_id if team_id is not None else sa.true(),
        )
    ):
        raise TeamError(f"There is already a team called {name!r}.")
    if target_minor is not None and target_minor <= 0:
        raise TeamError("A team target must be more than zero.")
    return name, note


def _clean_ru(name_ru: str, note_ru: str) -> tuple[str, str]:
    """The Russian name and note as stored ("" when not written); raises TeamError if too long."""
    name_ru, note_ru = " ".join(name_ru.split()), note_ru.strip()
    if len(name_ru) > 100:
        raise TeamError("The team name can be at most 100 characters.")
    if len(note_ru) > 300:
        raise TeamError("The note can be at most 300 characters.")
    return name_ru, note_ru


def create_team(
    campaign: Campaign,
    *,
    name: str,
    slug: str | None = None,
    target_minor: int | None = None,
    note: str = "",
    organiser: Organiser | None = None,
    name_ru: str = "",
    note_ru: str = "",
) -> Team:
    """Create a team of `campaign`, audit it, commit; raises TeamError on bad settings.

    A slug given explicitly must be free; one made from the name gets a
    numeric suffix if needed. `organiser` None means the command line; a
    team organiser may not create teams (ScopeError).
    """
    require_whole_campaign(organiser, "create teams")
    name, note = _clean(campaign.id, name, note, target_minor)
    name_ru, note_ru = _clean_ru(name_ru, note_ru)
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
        note=note,
        name_ru=name_ru,
        note_ru=note_ru,
        target_minor=target_minor,
    )
    db.session.add(team)
    # The campaign page lists the teams and is cached by the campaign's version.
    pages_changed(campaign.id, what="team list")
    db.session.flush()
    audit.record(
        "team_created",
        f"Created team {name} at /t/{slug}",
        organiser=organiser,
        team=slug,
        name=name,
        target_minor=target_minor,
        note=note,
    )
    db.session.commit()
    return team


def update_team(
    team_id: int,
    *,
    name: str,
    target_minor: int | None,
    note: str,
    organiser: Organiser | None,
    name_ru: str = "",
    note_ru: str = "",
) -> list[str]:
    """Change a team's name, target and note; audit and commit; return what changed.

    The slug stays: pages, widgets and badges elsewhere link to it. Raises
    TeamError on bad settings and ScopeError for another team's organiser.
    """
    team = db.session.get_one(Team, team_id)
    require_team(organiser, team, "change the settings")
    name, note = _clean(team.campaign_id, name, note, target_minor, team_id=team.id)
    name_ru, note_ru = _clean_ru(name_ru, note_ru)
    new = {
        "name": name,
        "target_minor": target_minor,
        "note": note,
        "name_ru": name_ru,
        "note_ru": note_ru,
    }
    changed = [field for field, value in new.items() if getattr(team, field) != value]
    if not changed:
        return []
    detail = {field: {"before": getattr(team, field), "after": new[field]} for field in changed}
    for field in changed:
        setattr(team, field, new[field])
    # Badges and share cards are cached by totals_version and show the name and
    # target; the campaign page (its leaderboard) by the campaign's version.
    team.totals_version += 1
    pages_changed(team.campaign_id, what="team settings")
    audit.record(
        "team_changed",
        f"Changed {', '.join(changed)} of team /t/{team.slug}",
        organiser=organiser,
        team=team.slug,
        changes=detail,
    )
    db.session.commit()
    return changed


def by_slug(campaign: Campaign, slug: str) -> Team | None:
    """The campaign's team at /t/<slug>, or None."""
    return db.session.scalar(
        sa.select(Team).where(Team.campaign_id == campaign.id, Team.slug == slug.lower())
    )


def listing(scope: Scope) -> list[Team]:
    """The teams `scope` may see (all of the campaign's, or the one), most raised first."""
    return list(
        db.session.scalars(
            sa.select(Team)
            .where(*scope.teams())
            .order_by(Team.raised_minor.desc(), Team.donations_count.desc(), Team.name)
        )
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
    teams = listing(Scope(campaign.id))
    return [
        Standing(
            rank=i,
            name=t.name,
            name_ru=t.name_ru,
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


def count_for_team(donation: Donation, **_: Any) -> None:
    # Sent once per donation, inside the transaction that counts it for the
    # campaign, so the team moves with the campaign or not at all. The gift
    # counts, not the fee cover, as for the campaign.
    if donation.team_id is not None:
        bump_team_totals(donation.team_id, raised=donation.amount_minor, donations=1)


def deduct_for_team(donation: Donation, *, change: int, **_: Any) -> None:
    # Sent by services/refunds/refunds_and_disputes.py in the transaction that moves the
    # campaign's `raised` by -change (the gift's share, never the fee cover),
    # once per real change, so repeated events move neither total again.
    if donation.team_id is not None and change:
        bump_team_totals(donation.team_id, raised=-change)
