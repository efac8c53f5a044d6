"""The pledge form. Validation only: no database, no mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext, lazy_gettext
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..donate_form import BAD_EMAIL, DonateForm
from ..i18n import current_language
from ..i18n.forms import Form
from ..models import Campaign
from ..models.types import utcnow
from ..money import format_decimal
from ..services.pledges import pledges
from ..text import clean_text

OTHER = "other"


class PledgeForm(Form):
    # `tier` is a tier's amount in minor units, or "custom"; the amount that is
    # validated (with the donate form's own rules) is built from it.
    tier = StringField(filters=[clean_text])
    custom_amount = StringField("Other amount", filters=[clean_text])
    amount = StringField()
    email = StringField(
        "Your email",
        filters=[clean_text],
        validators=[
            DataRequired(
                message=lazy_gettext("Please give your email, so we can send you the link.")
            ),
            Length(max=254),
            Email(message=BAD_EMAIL, check_deliverability=False),
        ],
    )
    payday = StringField(filters=[clean_text])
    payday_other = DateField("Payday", validators=[Optional()])
    consent = BooleanField("Email me the payday link")

    validate_amount = DonateForm.validate_amount

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.amount_minor = 0
        self.payday_date: date | None = None
        self.today = utcnow().date()

    @classmethod
    def blank(cls, campaign: Campaign) -> PledgeForm:
        """An empty form to show (never bound to a submitted request). It makes no
        CSRF token: the template adds one, except on the shared campaign page,
        where touching the session would make the cached page per-visitor."""
        return cls(campaign, formdata=None, meta={"csrf": False})

    def choices(self) -> list[pledges.PaydayChoice]:
        return pledges.payday_choices(self.today, pledges.last_payday(self.campaign))

    def date_limits(self) -> dict[str, str]:
        """`min` and `max` for the date input: today to the deadline."""
        limits = {"min": self.today.isoformat()}
        last = pledges.last_payday(self.campaign)
        if last is not None:
            limits["max"] = last.isoformat()
        return limits

    def validate(self, extra_validators: Any = None) -> bool:
        tier = self.tier.data or ""
        amounts = {int(t["amount"]) for t in self.campaign.tiers}
        if tier.isdigit() and int(tier) in amounts:
            self.amount.data = format_decimal(int(tier), self.campaign.currency)
        else:
            self.amount.data = self.custom_amount.data
        return super().validate(extra_validators)

    def validate_payday(self, field: StringField) -> None:
        choice = field.data or ""
        if choice == OTHER or not choice:
            day = self.payday_other.data
            if day is None and any(self.payday_other.raw_data or []):
                raise ValidationError(gettext("That doesn't look like a date. Please pick one."))
            if day is None:
                raise ValidationError(gettext("Please choose your payday."))
        else:
            try:
                day = date.fromisoformat(choice)
            except ValueError as exc:
                raise ValidationError(gettext("Please choose your payday.")) from exc
        try:
            pledges.check_payday(self.campaign, day, self.today)
        except pledges.PledgeError as exc:
            raise ValidationError(str(exc)) from exc
        self.payday_date = day

    def request(self) -> pledges.PledgeRequest:
        assert self.payday_date is not None
        return pledges.PledgeRequest(
            amount_minor=self.amount_minor,
            email=self.email.data or "",
            payday=self.payday_date,
            consent=bool(self.consent.data),
            locale=current_language(),
        )

    def first_error(self) -> str:
        return DonateForm.first_error(self)  # type: ignore[arg-type]
