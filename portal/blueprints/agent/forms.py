"""The agent console's forms: an internal note on an order."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.services.agent import NOTE_MAX_CHARS

TOO_LONG = f"Notes are limited to {NOTE_MAX_CHARS:,} characters."


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        validators=[
            DataRequired("Write something first: the note is empty."),
            Length(max=NOTE_MAX_CHARS, message=TOO_LONG),
        ],
    )
    submit = SubmitField("Add note")
