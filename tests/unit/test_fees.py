"""Cover the fees: the amounts a donor is asked to add, to the penny."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from fundraiser import config
from fundraiser.services.donations import fees


def net_after_fees(charge: int, bps: int, fixed: int) -> Fraction:
    """What arrives of `charge` after a fee of bps/10000 of it plus `fixed` (exact)."""
    return charge - Fraction(charge * bps, 10_000) - fixed


# Worked by hand with UK standard cards (1.5% + 20p): e.g. £4 -> 420 / 0.985 =
# 426.39 -> 427 -> cover 27, the "add £0.27 so the Network gets the full £4" of the issue.
@pytest.mark.parametrize(
    ("gift", "cover"),
    [(100, 22), (400, 27), (700, 31), (2000, 51), (250, 25)],
    ids=["£1", "£4", "£7", "£20", "£2.50"],
)
def test_uk_card_cover_for_the_issue_amounts(gift: int, cover: int) -> None:
    assert fees.fee_cover(gift, percent_bps=150, fixed_minor=20) == cover
    # The formula, to the penny: the charge leaves the whole gift after fees,
    # and one penny less would not.
    charge = gift + cover
    assert net_after_fees(charge, 150, 20) >= gift
    assert net_after_fees(charge - 1, 150, 20) < gift


@given(
    gift=st.integers(min_value=1, max_value=10**9),
    bps=st.integers(min_value=0, max_value=9_999),
    fixed=st.integers(min_value=0, max_value=10_000),
)
def test_cover_is_the_smallest_that_leaves_the_gift_whole(gift: int, bps: int, fixed: int) -> None:
    charge = gift + fees.fee_cover(gift, percent_bps=bps, fixed_minor=fixed)
    assert isinstance(charge, int)
    assert net_after_fees(charge, bps, fixed) >= gift
    assert net_after_fees(charge - 1, bps, fixed) < gift


def test_no_fees_means_no_cover() -> None:
    assert fees.fee_cover(400, percent_bps=0, fixed_minor=0) == 0


@pytest.mark.parametrize(
    ("gift", "bps", "fixed"), [(0, 150, 20), (-5, 150, 20), (400, 10_000, 20), (400, 150, -1)]
)
def test_nonsense_is_refused(gift: int, bps: int, fixed: int) -> None:
    with pytest.raises(ValueError):
        fees.fee_cover(gift, percent_bps=bps, fixed_minor=fixed)


def test_the_app_uses_its_fee_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("FEE_PERCENT_BPS", "FEE_FIXED_MINOR"):
        monkeypatch.delenv(name, raising=False)
    app = Flask(__name__)
    app.config.from_mapping(config.from_environment(str(tmp_path)))
    with app.app_context():
        assert fees.configured_cover(400) == 27  # the defaults: 1.5% + 20p
        app.config.update(FEE_PERCENT_BPS=250, FEE_FIXED_MINOR=0)  # e.g. non-UK cards
        # 400 / 0.975 = 410.26 -> 411
        assert fees.configured_cover(400) == 11


def test_fee_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FEE_PERCENT_BPS", "290")
    monkeypatch.setenv("FEE_FIXED_MINOR", "30")
    settings = config.from_environment(str(tmp_path))
    assert (settings["FEE_PERCENT_BPS"], settings["FEE_FIXED_MINOR"]) == (290, 30)


@pytest.mark.parametrize("value", ["1.5", "-1", "10000", "lots"])
def test_nonsense_fee_settings_stop_the_app_with_their_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("FEE_PERCENT_BPS", value)
    with pytest.raises(RuntimeError, match="FEE_PERCENT_BPS must be a whole number"):
        config.from_environment(str(tmp_path))
