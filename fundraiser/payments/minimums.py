"""The smallest card charge Stripe accepts per settlement currency, in minor units.

From Stripe's "Minimum and maximum charge amounts" table (docs.stripe.com/currencies).
Stripe answers a smaller PaymentIntent with `amount_too_small`, so a campaign
whose minimum gift is below these is refused at set-up instead of failing donors.
Currencies missing here are not checked (Stripe's rule for them is the
equivalent of 0.50 USD at the day's rate, which no fixed table can hold).
"""

from __future__ import annotations

STRIPE_MINIMUM_CHARGE: dict[str, int] = {
    "usd": 50,
    "aed": 200,
    "aud": 50,
    "bgn": 100,
    "brl": 50,
    "cad": 50,
    "chf": 50,
    "czk": 1500,
    "dkk": 250,
    "eur": 50,
    "gbp": 30,
    "hkd": 400,
    "huf": 17500,
    "inr": 50,
    "jpy": 50,
    "mxn": 1000,
    "myr": 200,
    "nok": 300,
    "nzd": 50,
    "pln": 200,
    "ron": 200,
    "sek": 300,
    "sgd": 50,
    "thb": 1000,
}


def minimum_charge(currency: str) -> int | None:
    """Stripe's smallest charge in `currency` (minor units), or None when not known here."""
    return STRIPE_MINIMUM_CHARGE.get(currency.lower())
