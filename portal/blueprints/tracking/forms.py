"""The shopper's forms: order lookup, feedback and SMS updates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.services.feedback import MAX_COMMENT


class LookupForm(FlaskForm):
    order_number = StringField(
        _l("Order number"),
        validators=[DataRequired(_l("Enter your order number.")), Length(max=64)],
    )
    contact = StringField(
        _l("Email, phone or postal code"),
        validators=[
            DataRequired(_l("Enter the email, phone or postal code you ordered with.")),
            Length(max=254),
        ],
    )


class FeedbackForm(FlaskForm):
    rating = RadioField(
        _l("Your rating"),
        choices=[str(n) for n in range(1, 6)],
        validators=[DataRequired(_l("Choose from 1 to 5 stars."))],
    )
    comment = TextAreaField(
        _l("Anything you'd like to tell us? (optional)"),
        validators=[
            Optional(),
            Length(max=MAX_COMMENT, message=_l("Please keep it under 1000 characters.")),
        ],
    )


class SmsForm(FlaskForm):
    phone = TelField(_l("Mobile number"), validators=[Length(max=40)])
