"""What an organiser may see and act on: the whole campaign, or one team of it.

Every dashboard query of donations (tables, exports, the overview's sums and
charts, a single donation, a refund) takes its where-clauses from a `Scope`,
so a team organiser's pages, exports and actions cannot reach another team's
donors even if a view forgets to check. Actions on the campaign as a whole
(settings, offline money, creating teams, organisers) call
`require_whole_campaign`. The dashboard refuses a team organiser any page not
marked for teams (fundraiser/dashboard/access.py), so a page added later is
campaign-only until someone decides otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import Donation, OfflineGift, Organiser, Team


class ScopeError(UserError, PermissionError):
    """An organiser acting outside what they may see; the message is for them."""


@dataclass(frozen=True, slots=True)
class Scope:
    """A campaign, and the team the view is limited to (None: the whole campaign).

    Plain ids, so a streamed export can use it after the view's session closed.
    """

    campaign_id: int
    team_id: int | None = None

    @property
    def whole_campaign(self) -> bool:
        return self.team_id is None

    def donations(self) -> tuple[Any, ...]:
        """Where-clauses for the Donation rows this scope may see."""
        clauses: tuple[Any, ...] = (Donation.campaign_id == self.campaign_id,)
        if self.team_id is not None:
            clauses += (Donation.team_id == self.team_id,)
        return clauses

    def offline(self) -> tuple[Any, ...]:
        """Where-clauses for offline money: the campaign's own, so none for a team."""
        clauses: tuple[Any, ...] = (OfflineGift.campaign_id == self.campaign_id,)
        if self.team_id is not None:
            clauses += (sa.false(),)
        return clauses

    def teams(self) -> tuple[Any, ...]:
        """Where-clauses for the Team rows this scope may see."""
        clauses: tuple[Any, ...] = (Team.campaign_id == self.campaign_id,)
        if self.team_id is not None:
            clauses += (Team.id == self.team_id,)
        return clauses

    def covers(self, donation: Donation) -> bool:
        """Whether this scope may see (and act on) `donation`."""
        return donation.campaign_id == self.campaign_id and (
            self.team_id is None or donation.team_id == self.team_id
        )

    def covers_team(self, team: Team) -> bool:
        return team.campaign_id == self.campaign_id and self.team_id in (None, team.id)

    def team(self) -> Team | None:
        return db.session.get(Team, self.team_id) if self.team_id is not None else None


def for_organiser(organiser: Organiser, campaign_id: int) -> Scope:
    """The scope of `organiser` within the campaign `campaign_id`.

    A team organiser whose team belongs to another campaign sees nothing of
    this one (their team's clause matches no donation of it).
    """
    return Scope(campaign_id=campaign_id, team_id=organiser.team_id)


def require_whole_campaign(organiser: Organiser | None, action: str) -> None:
    """Raise ScopeError when a team organiser attempts a campaign-wide `action`.

    None stands for the command line, which may do anything.
    """
    if organiser is not None and organiser.team_id is not None:
        raise ScopeError(f"Only organisers of the whole campaign can {action}.")


def require_team(organiser: Organiser | None, team: Team, action: str) -> None:
    """Raise ScopeError unless `organiser` may `action` for `team` (theirs, or any)."""
    if organiser is not None and organiser.team_id not in (None, team.id):
        raise ScopeError(f"You can only {action} for your own team.")
