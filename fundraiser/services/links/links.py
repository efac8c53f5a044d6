"""Tracked links (once called payday links): `/give/<code>` with a preset amount and a source label.

A link's figures are the donations whose `source` is its label, so a label
belongs to one link only (two links sharing one could not be told apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from ...errors import UserError
from ...extensions import db
from ...models import Campaign, Donation, DonationDeduction, DonationStatus, Organiser, SourceLink
from ...money import format_money
from ...text import is_one_line
from ..organisers import audit

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class LinkError(UserError, ValueError):
    """Settings that do not make a link; the message is for the organiser."""


def _check_label(label: str) -> str:
    label = label.strip()
    # The label comes back through the donate form's hidden `source`, cleaned by
    # text.clean_text: one that cleaning would change would not come back as itself.
    if not label or len(label) > 64 or not is_one_line(label):
        raise LinkError("The label must be 1 to 64 characters, on one line.")
    return label


def create_link(
    campaign: Campaign,
    code: str,
    *,
    label: str | None = None,
    amount_minor: int | None = None,
    organiser: Organiser | None = None,
) -> SourceLink:
    """Create and commit a link (and its audit entry, with it). `label` (default:
    the code) goes on every donation made through it. Raises LinkError."""
    code = code.strip().lower()
    if not _CODE.match(code):
        raise LinkError("The code may use a-z, 0-9 and dashes (e.g. glasgow-vigil), up to 64.")
    label = _check_label(label or code)
    if amount_minor is not None and not (
        campaign.min_amount_minor <= amount_minor <= campaign.max_amount_minor
    ):
        raise LinkError(
            f"The amount must be from {format_money(campaign.min_amount_minor, campaign.currency)}"
            f" to {format_money(campaign.max_amount_minor, campaign.currency)}."
        )
    if db.session.scalar(sa.select(SourceLink.id).where(SourceLink.code == code)) is not None:
        raise LinkError(f"There is already a link /give/{code}.")
    taken = sa.select(SourceLink.code).where(
        SourceLink.campaign_id == campaign.id, SourceLink.label == label
    )
    other = db.session.scalar(taken)
    if other is not None:
        raise LinkError(f"The link /give/{other} already uses the label {label!r}.")
    link = SourceLink(campaign_id=campaign.id, code=code, label=label, amount_minor=amount_minor)
    db.session.add(link)
    amount = format_money(amount_minor, campaign.currency) if amount_minor else "any amount"
    audit.record(
        "link_create",
        f"Created the tracked link /give/{code} ({amount})",
        organiser=organiser,
        code=code,
        label=label,
        amount=amount_minor,
    )
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


def by_code(campaign: Campaign, code: str) -> SourceLink | None:
    """The campaign's link for `code`, without counting a visit."""
    code = code.strip().lower()
    if not _CODE.match(code):
        return None  # never ask the database about text no code can be (a NUL, say)
    return db.session.scalar(
        sa.select(SourceLink).where(SourceLink.campaign_id == campaign.id, SourceLink.code == code)
    )


@dataclass(frozen=True, slots=True)
class LinkStats:
    """A link with what came through it: succeeded donations, and the money they
    raised after refunds and open disputes (what they add to `raised`)."""

    link: SourceLink
    donations: int
    raised: int

    @property
    def conversion(self) -> float | None:
        """Donations per visit, as a percentage; None before the first visit."""
        return 100 * self.donations / self.link.clicks if self.link.clicks else None


def report(campaign: Campaign) -> list[LinkStats]:
    """Every link of the campaign, newest first, with its donations and money raised."""
    found = list(
        db.session.scalars(
            sa.select(SourceLink)
            .where(SourceLink.campaign_id == campaign.id)
            .order_by(SourceLink.created_at.desc(), SourceLink.id.desc())
        )
    )
    figures = {
        label: (int(count), int(gross) - int(deducted))
        for label, count, gross, deducted in db.session.execute(
            sa.select(
                Donation.source,
                sa.func.count(),
                sa.func.sum(Donation.amount_minor),
                sa.func.coalesce(sa.func.sum(DonationDeduction.deducted_minor), 0),
            )
            .outerjoin(DonationDeduction, DonationDeduction.donation_id == Donation.id)
            .where(
                Donation.campaign_id == campaign.id,
                Donation.status == DonationStatus.SUCCEEDED,
                Donation.source.in_([link.label for link in found]),
            )
            .group_by(Donation.source)
        )
    }
    return [LinkStats(link, *figures.get(link.label, (0, 0))) for link in found]
