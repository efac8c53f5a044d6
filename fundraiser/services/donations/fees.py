"""Cover the fees: what a donor adds so the card fees don't come out of the gift.

Integer maths only. With a fee of `rate` plus `fixed` on the whole charge, the
smallest charge whose remainder after fees is at least the gift is
    ceil((gift + fixed) / (1 - rate))
and the cover is that charge minus the gift. The rate is in basis points
(150 = 1.5%), so every step is exact with `Fraction`.
"""

from __future__ import annotations

import math
from fractions import Fraction

from flask import current_app

BASIS_POINTS = 10_000


def fee_cover(amount_minor: int, *, percent_bps: int, fixed_minor: int) -> int:
    """Minor units to add to `amount_minor` so that, after a fee of
    `percent_bps`/10000 of the charge plus `fixed_minor`, the gift arrives whole.
    """
    if amount_minor <= 0:
        raise ValueError("the gift must be positive")
    if not 0 <= percent_bps < BASIS_POINTS or fixed_minor < 0:
        raise ValueError("fee settings out of range")
    keep = 1 - Fraction(percent_bps, BASIS_POINTS)
    return math.ceil(Fraction(amount_minor + fixed_minor) / keep) - amount_minor


def configured_cover(amount_minor: int) -> int:
    """The fee cover for `amount_minor` under this app's FEE_* settings."""
    cfg = current_app.config
    return fee_cover(
        amount_minor,
        percent_bps=int(cfg["FEE_PERCENT_BPS"]),
        fixed_minor=int(cfg["FEE_FIXED_MINOR"]),
    )
