"""The pure parts of two-factor login: which codes match, and what recovery codes look like."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from fundraiser.models import TwoFactor
from fundraiser.services.organisers import two_factor

SECRET = pyotp.random_base32(32)
NOW = datetime(2026, 12, 1, 12, 0, 15, tzinfo=UTC)


def row() -> TwoFactor:
    return TwoFactor(organiser_id=1, secret=SECRET, failures=0)


def test_codes_one_step_either_side_match_and_no_further() -> None:
    totp = pyotp.TOTP(SECRET)
    step = totp.timecode(NOW)
    for offset in (-1, 0, 1):
        code = totp.at(NOW + timedelta(seconds=30 * offset))
        assert two_factor._matching_step(row(), code, NOW) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.at(NOW + timedelta(seconds=30 * offset))
        if code not in {totp.at(NOW + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}:
            assert two_factor._matching_step(row(), code, NOW) is None


def test_only_six_digits_are_tried() -> None:
    code = pyotp.TOTP(SECRET).at(NOW)
    assert two_factor._matching_step(row(), code + "0", NOW) is None
    assert two_factor._matching_step(row(), "abcdef", NOW) is None
    assert two_factor._matching_step(row(), "", NOW) is None


def test_typed_codes_are_cleaned_the_same_way_as_stored() -> None:
    assert two_factor._clean(" ab2c-DEF3 \n") == "ab2cdef3"
    assert two_factor._hash_code("ABCD-efgh") == two_factor._hash_code("abcdefgh")
    assert two_factor._hash_code("abcd-efgh") != two_factor._hash_code("abcd-efgj")
