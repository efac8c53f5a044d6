"""The donate form, shared by the campaign, team, pledge and payday-link pages.

Validation only: no database, no Stripe.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext
from wtforms import BooleanField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from .i18n import current_locale
from .i18n.forms import Form
from .models import Campaign
from .money import AmountError, format_money_in, parse_amount
from .text import clean_text

BAD_EMAIL = lazy_gettext("That email address doesn't look right.")


def _plain_values(field: Field) -> bool:
    allowed: tuple[type, ...] = (str, bool) if isinstance(field, BooleanField) else (str,)
    return all(value is None or isinstance(value, allowed) for value in field.raw_data or ())


class DonateForm(Form):
    amount = StringField("Amount", filters=[clean_text])
    display_name = StringField(
        "Your name", filters=[clean_text], validators=[Optional(), Length(max=80)]
    )
    name_public = BooleanField("Show my name with my donation")
    message = TextAreaField(
        "Message", filters=[clean_text], validators=[Optional(), Length(max=500)]
    )
    email = StringField(
        "Email for a receipt",
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254),
            Email(message=BAD_EMAIL, check_deliverability=False),
        ],
    )
    # Marketing consent, apart from the receipt: unticked unless the donor ticks it.
    updates_consent = BooleanField("Email me updates about this drive")
    source = HiddenField(filters=[clean_text], validators=[Optional(), Length(max=64)])
    # The slug of the team page the form is on; the view checks it names a team.
    team = HiddenField(filters=[clean_text], validators=[Optional(), Length(max=64)])
    cover_fees = BooleanField("Cover the card fees")
    # A honeypot: hidden from people, so only a bot fills it (security/card_testing.py).
    website = StringField("Leave this empty")

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.amount_minor = 0

    def validate_amount(self, field: StringField) -> None:
        """Parse the amount and hold it to the campaign's minimum and maximum."""
        c = self.campaign
        try:
            minor = parse_amount(field.data or "", c.currency)
        except AmountError as exc:
            raise ValidationError(str(exc)) from exc
        locale = current_locale()
        if minor < c.min_amount_minor:
            smallest = format_money_in(c.min_amount_minor, c.currency, locale)
            raise ValidationError(gettext("The smallest gift is %(amount)s.", amount=smallest))
        if minor > c.max_amount_minor:
            largest = format_money_in(c.max_amount_minor, c.currency, locale)
            raise ValidationError(gettext("The largest gift online is %(amount)s.", amount=largest))
        self.amount_minor = minor

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate, refusing first any field sent as a JSON number, list or object."""
        wrong = [field for field in self if not _plain_values(field)]
        for field in wrong:
            field.errors = [gettext("Please send this as text.")]
        return not wrong and super().validate(extra_validators)

    def honeypot_filled(self) -> bool:
        """True when the field people never see came back filled in: a bot."""
        return bool(self.website.data)

    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return gettext("Please check the form.")
