"""The rules of moderation: what needs it, the word list, approving and hiding.

A gift with a public name or a message starts `pending` (or `held` when the
organiser's word list matches); nothing of it is shown anywhere until an
organiser approves it. A gift with nothing public has no moderation state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import Campaign, Donation, DonationStatus, ModerationState, Organiser
from ..campaigns.campaigns import pages_changed
from ..organisers import audit
from ..organisers.scope import require_whole_campaign

WAITING = (ModerationState.PENDING, ModerationState.HELD)
DECISIONS = {"approve": ModerationState.APPROVED, "hide": ModerationState.HIDDEN}
MAX_WORDS = 500
MAX_WORD_CHARS = 60


class ModerationError(UserError, ValueError):
    """A moderation request that cannot be done (unknown gift or decision, bad word list)."""


def has_public_content(name_public: bool, display_name: str | None, message: str | None) -> bool:
    """True when a gift shows something of the donor: a name they chose to show, or a message."""
    return bool((name_public and (display_name or "").strip()) or (message or "").strip())


def matches_word_list(words: list[str], *texts: str | None) -> bool:
    """True when any text contains a listed word or phrase as whole words, ignoring case."""
    # Runs of spaces and line breaks collapse, so a listed phrase matches however spaced.
    joined = " ".join(" ".join(t for t in texts if t).split()).casefold()
    return any(
        re.search(r"(?<!\w)" + re.escape(word.casefold()) + r"(?!\w)", joined) for word in words
    )


def initial_state(
    campaign: Campaign, name_public: bool, display_name: str | None, message: str | None
) -> ModerationState | None:
    """The state a new gift starts in: None (nothing public), held (word list) or pending."""
    if not has_public_content(name_public, display_name, message):
        return None
    shown_name = display_name if name_public else None
    if matches_word_list(campaign.moderation_words or [], shown_name, message):
        return ModerationState.HELD
    return ModerationState.PENDING


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """How many counted gifts wait, and how many were approved or hidden."""

    waiting: int
    approved: int
    hidden: int


def approved_gifts(campaign_id: int) -> sa.Select[tuple[Donation]]:
    """The counted gifts whose public name and message an organiser approved: all that
    the wall, the ticker and the hosts' reading queue may ever show."""
    return sa.select(Donation).where(
        Donation.campaign_id == campaign_id,
        Donation.status == DonationStatus.SUCCEEDED,
        Donation.moderation == ModerationState.APPROVED,
    )


def queue(campaign_id: int, view: str) -> list[Donation]:
    """Counted gifts in `view` ("waiting", "approved" or "hidden"), oldest first when waiting."""
    states = {"waiting": WAITING, "approved": (ModerationState.APPROVED,)}.get(
        view, (ModerationState.HIDDEN,)
    )
    query = sa.select(Donation).where(
        Donation.campaign_id == campaign_id,
        Donation.status == DonationStatus.SUCCEEDED,
        Donation.moderation.in_(states),
    )
    order = Donation.id.asc() if view == "waiting" else Donation.id.desc()
    return list(db.session.scalars(query.order_by(order).limit(200)))


def counts(campaign_id: int) -> QueueCounts:
    """The numbers on the moderation page's tabs (counted gifts only)."""
    rows = db.session.execute(
        sa.select(Donation.moderation, sa.func.count())
        .where(
            Donation.campaign_id == campaign_id,
            Donation.status == DonationStatus.SUCCEEDED,
            Donation.moderation.is_not(None),
        )
        .group_by(Donation.moderation)
    ).all()
    by_state = {state: n for state, n in rows}
    return QueueCounts(
        waiting=sum(by_state.get(s, 0) for s in WAITING),
        approved=by_state.get(ModerationState.APPROVED, 0),
        hidden=by_state.get(ModerationState.HIDDEN, 0),
    )


def decide(campaign_id: int, public_id: str, decision: str, organiser: Organiser) -> Donation:
    """Approve or hide a gift's public name and message; audited, commits.

    Any moderated gift may be decided again (an approved message hidden later,
    say). Raises ModerationError for an unknown gift or decision, ScopeError
    for a team organiser.
    """
    require_whole_campaign(organiser, "moderate messages")
    new_state = DECISIONS.get(decision)
    if new_state is None:
        raise ModerationError("Choose approve or hide.")
    donation = db.session.scalar(
        sa.select(Donation).where(
            Donation.campaign_id == campaign_id,
            Donation.public_id == public_id,
            Donation.moderation.is_not(None),
        )
    )
    if donation is None:
        raise ModerationError("No such message.")
    before = donation.moderation
    if before == new_state:
        return donation
    donation.moderation = new_state
    # The wall and the campaign page are cached by totals_version.
    pages_changed(campaign_id, what="supporters' wall")
    audit.record(
        "moderation",
        f"{new_state.capitalize()} a message",
        organiser=organiser,
        donation=donation.public_id,
        before=before,
        after=str(new_state),
    )
    db.session.commit()
    return donation


def parse_words(text: str) -> list[str]:
    """One word or phrase a line (or comma-separated), trimmed, de-duplicated, in order.

    Raises ModerationError when the list is too long to be a word list.
    """
    words: list[str] = []
    for raw in re.split(r"[\n,]", text):
        word = " ".join(raw.split())
        if not word or word.casefold() in (w.casefold() for w in words):
            continue
        if len(word) > MAX_WORD_CHARS:
            raise ModerationError(
                f"Each word or phrase may be at most {MAX_WORD_CHARS} characters."
            )
        words.append(word)
    if len(words) > MAX_WORDS:
        raise ModerationError(f"The word list may hold at most {MAX_WORDS} entries.")
    return words


def update_settings(
    campaign_id: int, words: list[str], shows_amounts: bool, organiser: Organiser
) -> bool:
    """Save the word list and the wall's amount setting; audited, commits. True if changed.

    Words added now also hold back messages still pending that match them.
    """
    require_whole_campaign(organiser, "change moderation settings")
    campaign = db.session.get_one(Campaign, campaign_id)
    if campaign.moderation_words == words and campaign.wall_shows_amounts == shows_amounts:
        return False
    held = 0
    if words != campaign.moderation_words:
        for donation in db.session.scalars(
            sa.select(Donation).where(
                Donation.campaign_id == campaign_id,
                Donation.moderation == ModerationState.PENDING,
            )
        ):
            shown_name = donation.display_name if donation.name_public else None
            if matches_word_list(words, shown_name, donation.message):
                donation.moderation = ModerationState.HELD
                held += 1
    if shows_amounts != campaign.wall_shows_amounts:
        pages_changed(campaign_id, what="supporters' wall")
    audit.record(
        "moderation_settings",
        "Changed the moderation settings",
        organiser=organiser,
        # The words themselves may be slurs: the log says how many, not which.
        words={"before": len(campaign.moderation_words or []), "after": len(words)},
        newly_held=held,
        wall_shows_amounts={"before": campaign.wall_shows_amounts, "after": shows_amounts},
    )
    campaign.moderation_words = words
    campaign.wall_shows_amounts = shows_amounts
    db.session.commit()
    return True
