"""Posting an update (audited, emailed to those who asked) and listing them.

The text follows organiser_text's convention (`text` English, `text_ru`
Russian, either may be empty); a picture goes through services/media/images.py
and needs a description, like the cover.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...errors import UserError
from ...extensions import db
from ...models import Campaign, CampaignUpdate, Organiser
from ..campaigns.campaigns import pages_changed
from ..media import images, store
from ..organisers import audit
from ..organisers.scope import require_whole_campaign
from . import update_mail

TEXT_LIMIT = 2000
ALT_LIMIT = 300


class UpdateError(UserError, ValueError):
    """An update that cannot be posted; the message is for the organiser."""


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    """What the organiser sent, already cleaned; `image` is the file's bytes or None."""

    text: str = ""
    text_ru: str = ""
    image: bytes | None = None
    image_alt: str = ""
    image_alt_ru: str = ""


def _check(entry: UpdateEntry) -> None:
    if not (entry.text.strip() or entry.text_ru.strip()):
        raise UpdateError("Write the update in English, Russian or both.")
    if max(len(entry.text), len(entry.text_ru)) > TEXT_LIMIT:
        raise UpdateError(f"An update must be at most {TEXT_LIMIT} characters.")
    alts = (entry.image_alt.strip(), entry.image_alt_ru.strip())
    if max(len(alt) for alt in alts) > ALT_LIMIT:
        raise UpdateError(f"The description must be at most {ALT_LIMIT} characters.")
    if entry.image is not None and not any(alts):
        raise UpdateError(
            "Describe the picture (in English, Russian or both) for people who cannot see it."
        )


def post(campaign: Campaign, entry: UpdateEntry, organiser: Organiser) -> CampaignUpdate:
    """Store the update, queue one email to each supporter who asked for updates,
    audit it and refresh the cached pages, in one transaction; commits.

    Raises UpdateError (no text, too long, a picture without a description),
    MediaError / UnsupportedMedia for the picture, ScopeError for a team
    organiser; nothing is stored or queued then.
    """
    require_whole_campaign(organiser, "post updates")
    _check(entry)
    picture = images.picture(entry.image) if entry.image is not None else None
    update = CampaignUpdate(
        campaign_id=campaign.id,
        text=entry.text.strip(),
        text_ru=entry.text_ru.strip(),
        image_id=store.save(picture.page).id if picture else None,
        image_alt=entry.image_alt.strip() if picture else "",
        image_alt_ru=entry.image_alt_ru.strip() if picture else "",
        organiser_id=organiser.id,
    )
    db.session.add(update)
    db.session.flush()
    update.emails_queued = update_mail.queue_for(update, campaign)
    pages_changed(campaign.id, what="update")
    audit.record(
        "update",
        f"Posted an update ({update.emails_queued} emails queued)",
        organiser=organiser,
        update_id=update.id,
        emails_queued=update.emails_queued,
        picture=picture is not None,
    )
    db.session.commit()
    return update


def remove(campaign: Campaign, update_id: int, organiser: Organiser) -> bool:
    """Take an update off the pages (its picture stops being served) and drop its
    emails not yet sent; sent ones cannot be recalled. Audited; commits. False when
    the campaign has no such update. ScopeError for a team organiser."""
    require_whole_campaign(organiser, "remove updates")
    update = db.session.get(CampaignUpdate, update_id)
    if update is None or update.campaign_id != campaign.id:
        return False
    image_id = update.image_id
    db.session.delete(update)
    db.session.flush()
    store.forget_unused(image_id)
    dropped = update_mail.drop_unsent(update_id)
    pages_changed(campaign.id, what="update")
    audit.record(
        "update",
        f"Removed an update ({dropped} unsent emails dropped)",
        organiser=organiser,
        update_id=update_id,
        emails_dropped=dropped,
    )
    db.session.commit()
    return True


def recent(campaign: Campaign, limit: int | None = None) -> list[CampaignUpdate]:
    """The campaign's updates, newest first (at most `limit`)."""
    query = (
        sa.select(CampaignUpdate)
        .where(CampaignUpdate.campaign_id == campaign.id)
        .order_by(CampaignUpdate.posted_at.desc(), CampaignUpdate.id.desc())
        .options(selectinload(CampaignUpdate.image))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))
