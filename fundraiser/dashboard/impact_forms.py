"""Forms for matched giving and milestones. Validation only: no database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wtforms import DateTimeLocalField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..i18n.forms import Form
from ..text import clean_text
from .forms import MoneyForm, _parse_money


def _utc(value: datetime | None) -> datetime:
    # The dashboard's date-time fields are in UTC (their labels say so).
    assert value is not None
    return value.replace(tzinfo=UTC)


class MatchForm(MoneyForm):
    """A match: who (optional), the cap (the form's `amount`), the window in UTC."""

    matcher_name = StringField(
        "Matcher's name (empty: shown as \u201ca supporter\u201d)",
        filters=[clean_text],
        validators=[Optional(), Length(max=120)],
    )
    starts_at = DateTimeLocalField(
        "Starts (UTC)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message="Give the start, e.g. 2026-12-02T19:00.")],
    )
    ends_at = DateTimeLocalField(
        "Ends (UTC)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message="Give the end, e.g. 2026-12-02T21:00.")],
    )

    def starts_utc(self) -> datetime:
        return _utc(self.starts_at.data)

    def ends_utc(self) -> datetime:
        return _utc(self.ends_at.data)


class MatchPaymentForm(MoneyForm):
    """Money received from a matcher."""

    note = StringField("Note", filters=[clean_text], validators=[Optional(), Length(max=300)])


class MilestoneForm(MoneyForm):
    """A milestone: the amount of `raised` and its label in each language."""

    label = StringField(
        "Label (English page)", filters=[clean_text], validators=[Optional(), Length(max=120)]
    )
    label_ru = StringField(
        "Label (Russian page)", filters=[clean_text], validators=[Optional(), Length(max=120)]
    )

    def validate_label(self, field: StringField) -> None:
        if not (field.data or self.label_ru.data):
            raise ValidationError("Give the milestone a label, in English or Russian.")


class CostForm(Form):
    """What one evacuation costs; empty clears it."""

    cost = StringField("Cost per person", validators=[Optional(), Length(max=20)])

    def __init__(self, currency: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.cost_minor: int | None = None

    def validate_cost(self, field: StringField) -> None:
        if not (field.data or "").strip():
            self.cost_minor = None
            return
        self.cost_minor = _parse_money(field, self.currency)
        if self.cost_minor <= 0:
            raise ValidationError("The cost per person must be more than zero.")

    first_error = MoneyForm.first_error
