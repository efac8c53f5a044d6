"""Campaigns: creating them, finding the current one, and reading progress."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import Campaign
from ...money import AmountError, format_money, parse_amount
from ...payments.minimums import minimum_charge
from ..slugs import first_free, slugify

logger = logging.getLogger(__name__)

DEMO_SLUG = "chechnya-evacuations"
DEMO_STORY = """\
Reports from Chechnya say gay men are being rounded up, held in secret prisons \
and killed, and that the authorities want the LGBT+ community "eliminated" \
within a month.

The Russian LGBT Network is getting people out: safe houses, travel, papers, \
and a new start somewhere safe. Every evacuation costs money, and it is needed now.

Most of us get paid this week. Give the price of a drink. The clock is ticking."""
# The demo's words in Russian (fundraiser/i18n/organiser_text.py), set by `fundraiser demo`.
DEMO_TITLE_RU = "Вывезти ЛГБТ+ людей из Чечни"
DEMO_STORY_RU = """\
Из Чечни сообщают, что геев задерживают, держат в секретных тюрьмах и убивают, \
а власти хотят «уничтожить» ЛГБТ+ сообщество в течение месяца.

Российская ЛГБТ-сеть вывозит людей: безопасное жильё, дорога, документы \
и новая жизнь там, где безопасно. Каждая эвакуация стоит денег, и они нужны сейчас.

Большинство из нас получает зарплату на этой неделе. Пожертвуйте цену одного напитка. \
Время идёт."""
DEMO_TIER_LABELS_RU = {400: "пинта", 700: "коктейль", 2000: "на всех"}
DEMO_TIERS = [
    {"amount": 400, "label": "a pint"},
    {"amount": 700, "label": "a cocktail"},
    {"amount": 2000, "label": "a round"},
]


@dataclass(frozen=True, slots=True)
class Progress:
    currency: str
    target: int
    raised: int
    donations: int
    pledged: int
    deadline: datetime | None
    version: int
    # Promised by matchers, not yet received: never part of `raised`.
    matched: int = 0

    @property
    def percent(self) -> float:
        """Share of the target raised, for display only (never for money)."""
        return min(100.0, 100.0 * self.raised / self.target) if self.target else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "target": self.target,
            "raised": self.raised,
            "donations": self.donations,
            "pledged": self.pledged,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "raised_display": format_money(self.raised, self.currency),
            "target_display": format_money(self.target, self.currency, trim=True),
            "pledged_display": format_money(self.pledged, self.currency),
            "matched": self.matched,
            "matched_display": format_money(self.matched, self.currency),
        }


class CampaignError(UserError, ValueError):
    """Settings that do not describe a campaign."""


def current_campaign() -> Campaign | None:
    """The drive this site runs: the most recently created campaign."""
    return db.session.scalar(sa.select(Campaign).order_by(Campaign.id.desc()).limit(1))


def progress(campaign: Campaign) -> Progress:
    """The campaign's totals, read from its derived columns (never a SUM)."""
    return Progress(
        currency=campaign.currency,
        target=campaign.target_minor,
        raised=campaign.raised_minor,
        donations=campaign.donations_count,
        pledged=campaign.pledged_minor,
        deadline=campaign.deadline,
        version=campaign.totals_version,
        matched=campaign.matched_minor or 0,
    )


def parse_tiers(text: str, currency: str) -> list[dict[str, Any]]:
    """Parse "4=a pint, 7=a cocktail" into tiers in minor units."""
    tiers = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        amount, _, label = part.partition("=")
        try:
            minor = parse_amount(amount, currency)
        except AmountError as exc:
            raise CampaignError(f"Tier {part!r}: {exc}") from exc
        if not label.strip() or minor <= 0:
            raise CampaignError(f"Tier {part!r} should look like 4=a pint")
        tiers.append({"amount": minor, "label": label.strip()[:40]})
    return tiers


def add_tier_labels_ru(tiers: list[dict[str, Any]], text: str, currency: str) -> None:
    """Put the Russian labels in `text` ("4=пинта, 7=коктейль") on `tiers`, matched by amount.

    A tier left out keeps no Russian label (its page shows the English, marked);
    an amount with no tier raises CampaignError.
    """
    by_amount = {tier["amount"]: tier for tier in tiers}
    for tier in tiers:
        tier.pop("label_ru", None)
    for parsed in parse_tiers(text, currency):
        tier = by_amount.get(parsed["amount"])
        if tier is None:
            raise CampaignError(
                f"Russian label {parsed['label']!r}: no tier has that amount; "
                "give the amounts of the tiers above."
            )
        tier["label_ru"] = parsed["label"]


def _free_slug(base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever no campaign has yet."""
    return first_free(
        base, db.session.scalars(sa.select(Campaign.slug).where(Campaign.slug.startswith(base)))
    )


def create_campaign(
    *,
    title: str,
    target_minor: int,
    currency: str = "gbp",
    deadline: datetime | None = None,
    tiers: list[dict[str, Any]] | None = None,
    story: str = "",
    slug: str | None = None,
    min_amount_minor: int = 100,
    max_amount_minor: int = 1_000_000,
    title_ru: str = "",
    story_ru: str = "",
) -> Campaign:
    """Create and commit a campaign; raises CampaignError on bad settings.

    `title_ru` and `story_ru` are the Russian words (empty: pages show the English).
    """
    currency = currency.lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise CampaignError("Currency must be a three-letter code such as gbp.")
    if target_minor <= 0:
        raise CampaignError("The target must be more than zero.")
    if not title.strip():
        raise CampaignError("The campaign needs a title.")
    if not 0 < min_amount_minor <= max_amount_minor:
        raise CampaignError("The minimum gift must be above zero and not above the maximum.")
    floor = minimum_charge(currency)
    if floor is not None and min_amount_minor < floor:
        raise CampaignError(
            f"The minimum gift must be at least {format_money(floor, currency)}: "
            "Stripe refuses smaller card payments in this currency."
        )
    if any(not min_amount_minor <= t["amount"] <= max_amount_minor for t in tiers or []):
        raise CampaignError("Every tier must lie between the minimum and maximum gift.")
    if deadline is not None and deadline.tzinfo is None:
        raise CampaignError("The deadline needs a time zone (e.g. 2026-12-24T23:59:00Z).")
    slug = _free_slug(slug or slugify(title) or "campaign")
    campaign = Campaign(
        slug=slug,
        title=title.strip(),
        story=story,
        title_ru=title_ru.strip(),
        story_ru=story_ru,
        currency=currency,
        target_minor=target_minor,
        deadline=deadline,
        tiers=tiers or [],
        min_amount_minor=min_amount_minor,
        max_amount_minor=max_amount_minor,
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


_CAMPAIGNS = Campaign.__table__
_BUMP_TOTALS = (
    sa.update(_CAMPAIGNS)
    .where(_CAMPAIGNS.c.id == sa.bindparam("campaign_id", type_=sa.Integer))
    .values(
        raised_minor=_CAMPAIGNS.c.raised_minor + sa.bindparam("raised", type_=sa.BigInteger),
        donations_count=_CAMPAIGNS.c.donations_count + sa.bindparam("donations", type_=sa.Integer),
        pledged_minor=_CAMPAIGNS.c.pledged_minor + sa.bindparam("pledged", type_=sa.BigInteger),
        totals_version=_CAMPAIGNS.c.totals_version + 1,
    )
)


def bump_totals(campaign_id: int, *, raised: int = 0, donations: int = 0, pledged: int = 0) -> None:
    """Move the derived totals by the given deltas, atomically, in the caller's transaction."""
    db.session.flush()  # what the ORM holds first, as the ORM's own UPDATE would
    # On the table, not through the ORM: the same statement (updated_at follows
    # its onupdate) without the ORM's bulk-update work, which on the webhook's path
    # runs while holding SQLite's one write lock.
    db.session.connection().execute(
        _BUMP_TOTALS,
        {"campaign_id": campaign_id, "raised": raised, "donations": donations, "pledged": pledged},
    )


def pages_changed(campaign_id: int, *, what: str) -> None:
    """Something the public pages show other than a total changed (`what`: a short
    fixed label such as "target" or "team list", for the log): move the campaign's
    `totals_version` so every cached body, ETag and badge is built afresh. Moves
    no total; in the caller's transaction.
    """
    logger.debug("campaign %s: %s changed; cached pages rebuild", campaign_id, what)
    bump_totals(campaign_id)
