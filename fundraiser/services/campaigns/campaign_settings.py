"""Changing a campaign's settings from the dashboard, with an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...extensions import db
from ...models import Campaign, Organiser
from ..organisers import audit
from ..organisers.scope import require_whole_campaign
from .campaigns import CampaignError, pages_changed


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings; the currency is shown but never changed here."""

    title: str
    story: str
    target_minor: int
    deadline: datetime | None
    tiers: list[dict[str, Any]]
    # None or blank: the default wording (risk_warning.DEFAULTS) is shown.
    risk_warning_ru: str | None = None
    risk_warning_en: str | None = None
    # The Russian title and story ("" : the page shows the English, marked).
    title_ru: str = ""
    story_ru: str = ""


def update(campaign_id: int, settings: Settings, organiser: Organiser) -> list[str]:
    """Apply settings, audit what changed, commit; return the names of changed fields.

    Raises CampaignError on settings that do not describe a campaign, and
    ScopeError for a team organiser.
    """
    require_whole_campaign(organiser, "change the campaign's settings")
    if not settings.title.strip():
        raise CampaignError("The campaign needs a title.")
    if settings.target_minor <= 0:
        raise CampaignError("The target must be more than zero.")
    if settings.deadline is not None and settings.deadline.tzinfo is None:
        raise CampaignError("The deadline needs a time zone.")
    campaign = db.session.get_one(Campaign, campaign_id)
    new = {
        "title": settings.title.strip(),
        "story": settings.story.strip(),
        "title_ru": settings.title_ru.strip(),
        "story_ru": settings.story_ru.strip(),
        "target_minor": settings.target_minor,
        "deadline": settings.deadline,
        "tiers": settings.tiers,
        "risk_warning_ru": (settings.risk_warning_ru or "").strip() or None,
        "risk_warning_en": (settings.risk_warning_en or "").strip() or None,
    }
    changed = [name for name, value in new.items() if getattr(campaign, name) != value]
    if not changed:
        return []
    detail: dict[str, Any] = {}
    for name in changed:
        old = getattr(campaign, name)
        if name in (
            "story",
            "story_ru",
            "risk_warning_ru",
            "risk_warning_en",
        ):  # long text: say that it changed, not all of it twice
            detail[name] = {"before_chars": len(old or ""), "after_chars": len(new[name] or "")}
        elif name == "deadline":
            detail[name] = {
                "before": old.isoformat() if old else None,
                "after": new[name].isoformat() if new[name] else None,
            }
        else:
            detail[name] = {"before": old, "after": new[name]}
        setattr(campaign, name, new[name])
    if "target_minor" in changed or "deadline" in changed:
        # Progress readers cache by totals_version; the target is part of what they show.
        pages_changed(campaign_id, what="target or deadline")
    audit.record("settings", "Changed " + ", ".join(changed), organiser=organiser, changes=detail)
    db.session.commit()
    return changed
