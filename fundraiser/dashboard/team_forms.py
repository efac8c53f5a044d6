"""Forms for teams and organisers' scope. Validation only: no database."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..i18n.forms import Form
from ..text import clean_text
from .forms import MoneyForm


class TeamForm(MoneyForm):
    """A team's name, own target (optional, in `amount`) and note, the words in each language."""

    name = StringField(
        "Name",
        filters=[clean_text],
        validators=[DataRequired(message="The team needs a name."), Length(max=100)],
    )
    name_ru = StringField(
        "Name in Russian", filters=[clean_text], validators=[Optional(), Length(max=100)]
    )
    amount = StringField(
        "Own target (optional)", filters=[clean_text], validators=[Optional(), Length(max=20)]
    )
    note = TextAreaField(
        "Note for the team's page",
        filters=[clean_text],
        validators=[Optional(), Length(max=300, message="The note can be at most 300 characters.")],
    )
    note_ru = TextAreaField(
        "Note in Russian",
        filters=[clean_text],
        validators=[Optional(), Length(max=300, message="The note can be at most 300 characters.")],
    )

    @property
    def target_minor(self) -> int | None:
        """The parsed target, or None for no target of the team's own."""
        return self.amount_minor if self.amount.data else None


class NewTeamForm(TeamForm):
    slug = StringField(
        "Address: /t/…",
        filters=[clean_text],
        validators=[Optional(), Length(max=64)],
    )


class OrganiserTeamForm(Form):
    """Which part of the dashboard an organiser sees: "" for all, or a team's slug."""

    team = SelectField("Sees", choices=[], validate_choice=True)

    def __init__(self, choices: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [("", "the whole campaign"), *choices]
