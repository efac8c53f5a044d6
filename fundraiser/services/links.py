"""Organisers' payday links: `/give/<code>` with a preset amount and a source label."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..extensions import db
from ..models import Campaign, SourceLink
from ..money import format_money

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class LinkError(ValueError):
    """Settings that do not make a link; the message is for the organiser."""


def create_link(
    campaign: Campaign, code: str, *, label: str | None = None, amount_minor: int | None = None
) -> SourceLink:
    """Create and commit a link. `label` (default: the code) goes on every donation."""
    code = code.strip().lower()
    if not _CODE.match(code):
        raise LinkError("The code may use a-z, 0-9 and dashes (e.g. glasgow-vigil), up to 64.")
    label = (label or code).strip()[:64]
    if amount_minor is not None and not (
        campaign.min_amount_minor <= amount_minor <= campaign.max_amount_minor
    ):
        raise LinkError(
            f"The amount must be from {format_money(campaign.min_amount_minor, campaign.currency)}"
            f" to {format_money(campaign.max_amount_minor, campaign.currency)}."
        )
    if db.session.scalar(sa.select(SourceLink.id).where(SourceLink.code == code)) is not None:
        raise LinkError(f"There is already a link /give/{code}.")
    link = SourceLink(campaign_id=campaign.id, code=code, label=label, amount_minor=amount_minor)
    db.session.add(link)
    db.session.commit()
    return link


def open_link(code: str) -> SourceLink | None:
    """The link for `code`, counting the visit (commits); None if there is none."""
    code = code.strip().lower()
    if not _CODE.match(code):
        return None
    result = db.session.execute(
        sa.update(SourceLink)
        .where(SourceLink.code == code)
        .values(clicks=SourceLink.clicks + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.scalar(sa.select(SourceLink).where(SourceLink.code == code))
