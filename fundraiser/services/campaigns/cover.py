"""The campaign's cover picture: set from the dashboard (audited), shown on the page
and used as the share card's picture.

The upload goes through services/media/images.py (re-encoded, metadata
dropped); a description for people who cannot see it is required in at
least one language (`alt`, `alt_ru`: organiser_text's convention).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...extensions import db
from ...models import Campaign, CampaignCover, Organiser
from ..media import images, store
from ..organisers import audit
from ..organisers.scope import require_whole_campaign
from .campaigns import CampaignError, pages_changed

ALT_LIMIT = 300  # the columns' length


@dataclass(frozen=True, slots=True)
class CoverEntry:
    """What the organiser sent: the file's bytes (None: keep the picture) and its description."""

    data: bytes | None
    alt: str
    alt_ru: str


def of(campaign_id: int) -> CampaignCover | None:
    """The campaign's cover, or None."""
    return db.session.get(CampaignCover, campaign_id)


def check_alt(alt: str, alt_ru: str) -> None:
    """Raise CampaignError unless a description is given in some language, each short."""
    if not (alt or alt_ru):
        raise CampaignError(
            "Describe the picture (in English, Russian or both) for people who cannot see it."
        )
    if max(len(alt), len(alt_ru)) > ALT_LIMIT:
        raise CampaignError(f"The description must be at most {ALT_LIMIT} characters.")


def set_cover(campaign: Campaign, entry: CoverEntry, organiser: Organiser) -> CampaignCover:
    """Store a new picture and/or description, audit it, refresh the cached pages; commits.

    Raises MediaError / UnsupportedMedia for a file that is not an accepted
    picture, CampaignError for a missing or long description (or no picture
    yet), ScopeError for a team organiser; nothing changes then.
    """
    require_whole_campaign(organiser, "change the cover picture")
    alt, alt_ru = entry.alt.strip(), entry.alt_ru.strip()
    check_alt(alt, alt_ru)
    cover = of(campaign.id)
    if entry.data is None and cover is None:
        raise CampaignError("Choose a picture to upload.")
    changed = []
    old_files = (cover.image_id, cover.card_id) if cover is not None else ()
    if entry.data is not None:
        # Decoded and re-encoded before anything is written: a refusal leaves no trace.
        picture = images.picture(entry.data, with_card=True)
        assert picture.card is not None
        page, card = store.save(picture.page), store.save(picture.card)
        if cover is None:
            cover = CampaignCover(campaign_id=campaign.id, image_id=page.id, card_id=card.id)
            db.session.add(cover)
        else:
            cover.image_id, cover.card_id = page.id, card.id
        changed.append("picture")
    if cover.alt != alt or cover.alt_ru != alt_ru:
        cover.alt, cover.alt_ru = alt, alt_ru
        changed.append("description")
    if not changed:
        return cover
    db.session.flush()
    store.forget_unused(*old_files)
    pages_changed(campaign.id, what="cover")
    audit.record("cover", "Changed the cover " + " and ".join(changed), organiser=organiser)
    db.session.commit()
    return cover


def remove(campaign: Campaign, organiser: Organiser) -> bool:
    """Take the cover off the page (audited); False when there was none. Commits."""
    require_whole_campaign(organiser, "change the cover picture")
    cover = of(campaign.id)
    if cover is None:
        return False
    old_files = (cover.image_id, cover.card_id)
    db.session.delete(cover)
    db.session.flush()
    store.forget_unused(*old_files)
    pages_changed(campaign.id, what="cover")
    audit.record("cover", "Removed the cover picture", organiser=organiser)
    db.session.commit()
    return True
