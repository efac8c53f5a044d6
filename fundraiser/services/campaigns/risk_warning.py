"""The warning shown before the card form: who can see a card payment, and what to do instead.

Since the Russian Supreme Court's ruling of 30 November 2023, a payment to an
LGBT cause from a Russian bank can be used against the donor, and hiding a name
on our pages does not hide the payment from the bank. The Russian page carries
the full warning, the English one a short note; organisers may reword either
in the campaign settings (an empty override means the default below).
"""

from __future__ import annotations

from ...models import Campaign

# Careful, plain wording: what is visible, to whom, and what to do instead.
DEFAULTS: dict[str, str] = {
    "ru": (
        "Важно: платёж с карты или счёта российского банка виден вашему банку, "
        "а через него может стать известен российским властям. Пожертвования "
        "ЛГБТ-организациям в России могут преследоваться. Если для вас это риск, "
        "не платите здесь своей картой: попросите человека за границей сделать "
        "пожертвование вместо вас или передайте наличные местной группе. "
        "Анонимность на этой странице не скрывает платёж от вашего банка."
    ),
    "en": (
        "If you pay with a card or account from a Russian bank, Russian authorities "
        "may be able to see the payment. If that is a risk for you, ask someone abroad "
        "to give instead, or give cash to a local group. Giving anonymously here does "
        "not hide the payment from your bank."
    ),
}

MAX_CHARS = 2_000


def override_of(campaign: Campaign, language: str) -> str | None:
    """The organiser's own wording for `language`, or None when the default is used."""
    value = campaign.risk_warning_ru if language == "ru" else campaign.risk_warning_en
    return value.strip() or None if value else None


def warning_for(campaign: Campaign, language: str) -> str:
    """The warning to show before the card form on the page in `language`.

    Never empty: a blank override falls back to the default, so no page loses
    the warning by accident. Languages without their own text get the English one.
    """
    return override_of(campaign, language) or DEFAULTS.get(language, DEFAULTS["en"])
