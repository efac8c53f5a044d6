"""Dashboard forms. Validation only: no database, no Stripe."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..i18n.forms import Form
from ..money import AmountError, parse_amount
from ..services.campaigns import campaigns, risk_warning
from ..services.offline.offline import METHODS
from ..text import clean_text


def _parse_money(field: Any, currency: str) -> int:
    try:
        return parse_amount(field.data or "", currency)
    except AmountError as exc:
        raise ValidationError(str(exc)) from exc


class MoneyForm(Form):
    """A form with an `amount` in the campaign's currency, parsed to `amount_minor`."""

    amount = StringField("Amount", validators=[DataRequired()])

    def __init__(self, currency: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.amount_minor = 0

    def validate_amount(self, field: StringField) -> None:
        self.amount_minor = _parse_money(field, self.currency)
        if self.amount_minor <= 0:
            raise ValidationError("The amount must be more than zero.")

    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return "Please check the form."


class RefundForm(MoneyForm):
    note = StringField(
        "Reason (kept in the audit log)",
        filters=[clean_text],
        validators=[Optional(), Length(max=300)],
    )
    # Unique per rendered form: a second submit of the same form refunds nothing.
    request_key = HiddenField(validators=[DataRequired(), Length(max=64)])
    # "yes" only from the confirmation page: the first submit asks, the second refunds.
    confirmed = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.request_key.data:
            self.request_key.data = secrets.token_urlsafe(24)


class OfflineForm(MoneyForm):
    received_on = DateField(
        "Date received", validators=[InputRequired(message="Give the date it was received.")]
    )
    method = SelectField(
        "How",
        choices=[SelectChoice(value, label) for value, label in METHODS.items()],
        validators=[DataRequired()],
    )
    source = StringField(
        "Source label (e.g. glasgow-vigil)",
        filters=[clean_text],
        validators=[Optional(), Length(max=64)],
    )
    note = TextAreaField("Note", filters=[clean_text], validators=[Optional(), Length(max=500)])

    def first_error(self) -> str:
        """The first problem, naming its field ("Amount: This field is required.")."""
        for name, errors in self.errors.items():
            if errors:
                return f"{getattr(self, name).label.text}: {errors[0]}"
        return "Please check the form."


class OfflineCorrectForm(OfflineForm):
    seen_amount = HiddenField(validators=[DataRequired()])
    reason = StringField(
        "Reason for the correction",
        filters=[clean_text],
        validators=[DataRequired(message="Say why you are correcting it."), Length(max=300)],
    )

    def validate_seen_amount(self, field: HiddenField) -> None:
        if not str(field.data).isdigit():
            raise ValidationError("The form was incomplete; reload the page.")


class ReasonForm(Form):
    reason = StringField(
        "Reason",
        filters=[clean_text],
        validators=[DataRequired(message="Say why."), Length(max=300)],
    )


class LinkForm(MoneyForm):
    code = StringField(
        "Code (the end of the link)",
        filters=[clean_text],
        validators=[DataRequired(message="Choose a code, e.g. glasgow-vigil."), Length(max=64)],
    )
    label = StringField(
        "Source label (default: the code)",
        filters=[clean_text],
        validators=[Optional(), Length(max=64)],
    )
    # Optional here: a link without an amount opens the form with nothing chosen.
    amount = StringField("Preset amount (optional)", filters=[clean_text], validators=[Optional()])

    def preset_minor(self) -> int | None:
        return self.amount_minor or None


class SettingsForm(MoneyForm):
    title = StringField("Title", filters=[clean_text], validators=[DataRequired(), Length(max=200)])
    story = TextAreaField("Story", validators=[Optional(), Length(max=20_000)])
    title_ru = StringField(
        "Title in Russian", filters=[clean_text], validators=[Optional(), Length(max=200)]
    )
    story_ru = TextAreaField("Story in Russian", validators=[Optional(), Length(max=20_000)])
    deadline = DateTimeLocalField(
        "Deadline (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    tiers = StringField("Drink tiers", validators=[Optional(), Length(max=500)])
    tiers_ru = StringField(
        "Drink tiers' labels in Russian", validators=[Optional(), Length(max=500)]
    )
    risk_warning_ru = TextAreaField(
        "Warning before the card form (Russian page)",
        validators=[Optional(), Length(max=risk_warning.MAX_CHARS)],
    )
    risk_warning_en = TextAreaField(
        "Note before the card form (English page)",
        validators=[Optional(), Length(max=risk_warning.MAX_CHARS)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tier_list: list[dict[str, Any]] = []

    def validate_tiers(self, field: StringField) -> None:
        try:
            self.tier_list = campaigns.parse_tiers(field.data or "", self.currency)
        except campaigns.CampaignError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_tiers_ru(self, field: StringField) -> None:
        # Runs after validate_tiers (fields validate in the order declared).
        try:
            campaigns.add_tier_labels_ru(self.tier_list, field.data or "", self.currency)
        except campaigns.CampaignError as exc:
            raise ValidationError(str(exc)) from exc

    def deadline_utc(self) -> datetime | None:
        value = self.deadline.data
        return value.replace(tzinfo=UTC) if value else None


class WhoAndWhereForm(Form):
    """Who runs the drive and who receives the money; every field optional."""

    organiser_name = StringField(
        "Organiser's name (a person or group)",
        filters=[clean_text],
        validators=[Optional(), Length(max=120)],
    )
    organiser_contact = StringField(
        "How to reach the organiser (email, phone or link)",
        filters=[clean_text],
        validators=[Optional(), Length(max=200)],
    )
    beneficiary_name = StringField(
        "Who receives the money", filters=[clean_text], validators=[Optional(), Length(max=200)]
    )
    beneficiary_about = TextAreaField(
        "What they do", filters=[clean_text], validators=[Optional(), Length(max=500)]
    )
    beneficiary_url = StringField(
        "Their website", filters=[clean_text], validators=[Optional(), Length(max=300)]
    )
    beneficiary_registration = StringField(
        "Registration number (if any)",
        filters=[clean_text],
        validators=[Optional(), Length(max=64)],
    )
    endorsement = TextAreaField(
        "Endorsement (optional: a short quote from the beneficiary, with who said it)",
        filters=[clean_text],
        validators=[Optional(), Length(max=500)],
    )

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            if errors:
                return f"{getattr(self, name).label.text}: {errors[0]}"
        return "Please check the form."


class TransferForm(MoneyForm):
    """Money sent on to the beneficiary."""

    sent_on = DateField(
        "Date sent", validators=[InputRequired(message="Give the date it was sent.")]
    )
    reference = StringField(
        "Reference (bank reference or receipt number)",
        filters=[clean_text],
        validators=[Optional(), Length(max=120)],
    )
    # Optional; public on /transparency. Checked by content (services/media/images.document).
    receipt = FileField("The bank's confirmation (optional: PDF, JPEG, PNG or WebP)")
