"""Payday quick choices and the payday rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fundraiser.models import Campaign
from fundraiser.services.pledges import pledges


def test_last_working_day_skips_the_weekend() -> None:
    assert pledges.last_working_day(2017, 4) == date(2017, 4, 28)  # the 30th is a Sunday
    assert pledges.last_working_day(2017, 5) == date(2017, 5, 31)  # a Wednesday
    assert pledges.last_working_day(2017, 9) == date(2017, 9, 29)  # the 30th is a Saturday


def test_choices_midweek() -> None:
    choices = pledges.payday_choices(date(2017, 4, 19), None)  # a Wednesday
    assert [c.value for c in choices] == [date(2017, 4, 21), date(2017, 4, 28)]
    assert [c.label for c in choices] == [
        "This Friday (Fri 21 Apr)",
        "The last working day of the month (Fri 28 Apr)",
    ]


def test_same_day_is_offered_once() -> None:
    # Friday 28 April 2017 is both this Friday and the month's last working day.
    choices = pledges.payday_choices(date(2017, 4, 26), None)
    assert [c.value for c in choices] == [date(2017, 4, 28)]
    assert choices[0].label == "This Friday and the last working day of the month (Fri 28 Apr)"


def test_after_the_last_working_day_offers_next_month() -> None:
    # Saturday 29 April 2017: this month's last working day has passed.
    choices = pledges.payday_choices(date(2017, 4, 29), None)
    assert [c.value for c in choices] == [date(2017, 5, 5), date(2017, 5, 31)]


def test_choices_after_the_deadline_are_left_out() -> None:
    choices = pledges.payday_choices(date(2017, 4, 19), date(2017, 4, 25))
    assert [c.value for c in choices] == [date(2017, 4, 21)]


@pytest.mark.parametrize(
    ("payday", "message"),
    [
        (date(2017, 4, 18), "That date has passed"),
        (date(2017, 5, 2), "The drive ends on 1 May 2017"),
    ],
)
def test_check_payday_refuses(payday: date, message: str) -> None:
    campaign = Campaign(deadline=datetime(2017, 5, 1, 23, 59, tzinfo=UTC))
    with pytest.raises(pledges.PledgeError, match=message):
        pledges.check_payday(campaign, payday, today=date(2017, 4, 19))


def test_check_payday_accepts_today_and_the_deadline_day() -> None:
    campaign = Campaign(deadline=datetime(2017, 5, 1, 23, 59, tzinfo=UTC))
    pledges.check_payday(campaign, date(2017, 4, 19), today=date(2017, 4, 19))
    pledges.check_payday(campaign, date(2017, 5, 1), today=date(2017, 4, 19))
