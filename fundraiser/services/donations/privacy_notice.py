"""The facts /privacy states, read from the running settings so the page cannot drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from ...models import Campaign
from ...security import db_limits
from .. import tokens


@dataclass(frozen=True, slots=True)
class Notice:
    """What the privacy page says, each figure from the configuration in force."""

    days_after_deadline: int
    max_age_days: int
    erased_after: datetime | None  # this drive's deadline plus the grace; None: no deadline
    client_key_hours: int  # how long the hashed address and session outlive a donation
    erase_link_days: int
    statement_suffix: str
    counter_hours: int  # failed-login and rate-limit counts (keyed hashes) at the longest
    receipt_link_days: int


def notice(campaign: Campaign | None) -> Notice:
    """The privacy facts for `campaign` (None: no campaign yet) under the current settings."""
    config = current_app.config
    after = int(config["RETENTION_DAYS_AFTER_DEADLINE"])
    # privacy.forget_client_keys keeps them a day, or the decline window if longer.
    window = max(timedelta(days=1), timedelta(seconds=int(config["DECLINE_WINDOW_SECONDS"])))
    deadline = campaign.deadline if campaign is not None else None
    return Notice(
        days_after_deadline=after,
        max_age_days=int(config["RETENTION_MAX_AGE_DAYS"]),
        erased_after=deadline + timedelta(days=after) if deadline else None,
        # Plus up to an hour: the job that clears them runs hourly.
        client_key_hours=int(window.total_seconds() // 3600) + 1,
        erase_link_days=tokens.MAX_AGE[tokens.ERASE].days,
        statement_suffix=str(config.get("STATEMENT_DESCRIPTOR_SUFFIX") or ""),
        # Rate-limit keys outlive their last hit by db_limits.KEY_LIFETIME (failed-login
        # keys by an hour, less), plus up to an hour for the job that clears them.
        counter_hours=db_limits.KEY_LIFETIME // 3600 + 1,
        receipt_link_days=tokens.MAX_AGE[tokens.RECEIPT].days,
    )
