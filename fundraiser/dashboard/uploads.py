"""Forms that take a file (the cover, an update's picture), and reading the file.

Validation only; the picture itself is checked by services/media/images.py.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..errors import UserError
from ..i18n.forms import Form
from ..services.media.images import UnsupportedMedia
from ..services.organisers.scope import ScopeError
from ..text import clean_text
from ..views import status_for

ALT_HINT = "Describe the picture for people who cannot see it"


def file_bytes(field: FileField) -> bytes | None:
    """The uploaded file's bytes, or None when no file was chosen (Flask-WTF's
    FileField ignores a value sent as text). The size was already held to
    UPLOAD_MAX_BYTES while the body was read (security/uploads.py)."""
    data = field.data
    if not isinstance(data, FileStorage) or not data.filename:
        return None
    return data.read()


def upload_status(exc: UserError) -> int:
    """415 for a kind of file not accepted, else the usual status (400, 403 for scope)."""
    if isinstance(exc, UnsupportedMedia):
        return 415
    return 403 if isinstance(exc, ScopeError) else status_for(exc)


class FormErrors(Form):
    def first_error(self) -> str:
        for errors in self.errors.values():
            if errors:
                return str(errors[0])
        return "Please check the form."


class CoverForm(FormErrors):
    """The cover picture (optional when one is set: then only the description changes)."""

    picture = FileField("Picture (JPEG, PNG or WebP)")
    alt = StringField(
        ALT_HINT + " (English)", filters=[clean_text], validators=[Optional(), Length(max=300)]
    )
    alt_ru = StringField(
        ALT_HINT + " (Russian)", filters=[clean_text], validators=[Optional(), Length(max=300)]
    )


class UpdateForm(FormErrors):
    """A short update in English and/or Russian, with an optional picture."""

    text = TextAreaField(
        "Update (English)", filters=[clean_text], validators=[Optional(), Length(max=2000)]
    )
    text_ru = TextAreaField(
        "Update (Russian)", filters=[clean_text], validators=[Optional(), Length(max=2000)]
    )
    picture = FileField("Picture (optional; JPEG, PNG or WebP)")
    image_alt = StringField(
        ALT_HINT + " (English)", filters=[clean_text], validators=[Optional(), Length(max=300)]
    )
    image_alt_ru = StringField(
        ALT_HINT + " (Russian)", filters=[clean_text], validators=[Optional(), Length(max=300)]
    )
