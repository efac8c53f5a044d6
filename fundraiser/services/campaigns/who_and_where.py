"""Who runs the drive and who receives the money: set from the dashboard, audited.

The campaign page shows these so a stranger can check that the money goes
where the page says; nothing here is needed for a donation to work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ...extensions import db
from ...models import Campaign, Organiser
from ..organisers import audit
from ..organisers.scope import require_whole_campaign
from .campaigns import CampaignError

# The longest each field may be: the columns' lengths (models/campaign.py).
LIMITS = {
    "organiser_name": 120,
    "organiser_contact": 200,
    "beneficiary_name": 200,
    "beneficiary_about": 500,
    "beneficiary_url": 300,
    "beneficiary_registration": 64,
    "endorsement": 500,
}


@dataclass(frozen=True, slots=True)
class WhoAndWhere:
    """What the organiser typed, already cleaned; empty strings mean "not given"."""

    organiser_name: str = ""
    organiser_contact: str = ""
    beneficiary_name: str = ""
    beneficiary_about: str = ""
    beneficiary_url: str = ""
    beneficiary_registration: str = ""
    endorsement: str = ""


def of(campaign: Campaign) -> WhoAndWhere:
    """The campaign's current values, to fill the form."""
    return WhoAndWhere(**{name: getattr(campaign, name) or "" for name in LIMITS})


def check_url(url: str) -> None:
    """Raise CampaignError unless `url` is empty or an absolute http(s) link.

    Only http and https: the page renders it as a link, and `javascript:` or
    `data:` there would run in a donor's browser.
    """
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CampaignError("The beneficiary's link must start with https:// (or http://).")


def update(campaign_id: int, values: WhoAndWhere, organiser: Organiser) -> list[str]:
    """Store the values, audit which changed, commit; return the changed fields' names.

    Raises CampaignError on a bad link or an over-long value and ScopeError for
    a team organiser; nothing changes then.
    """
    require_whole_campaign(organiser, "change who runs the campaign and who receives the money")
    new = {name: value.strip() for name, value in asdict(values).items()}
    for name, value in new.items():
        if len(value) > LIMITS[name]:
            raise CampaignError(f"{name.replace('_', ' ').capitalize()} is too long.")
    check_url(new["beneficiary_url"])
    campaign = db.session.get_one(Campaign, campaign_id)
    changed = [name for name, value in new.items() if getattr(campaign, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(campaign, name, new[name])
    # Names only: the organiser's contact may be personal (no personal data in the audit detail).
    audit.record(
        "who_and_where", "Changed " + ", ".join(changed), organiser=organiser, fields=changed
    )
    db.session.commit()
    return changed
