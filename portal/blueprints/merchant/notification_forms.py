"""Notification settings and template editor forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from portal.blueprints.merchant.forms import EMAIL_SHAPE
from portal.services.outbox import TRIGGERS

CLOCK = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="Use a time like 21:00.")
TEXT_CHANNEL_CHOICES = [
    SelectChoice("email", "Email"),
    SelectChoice("sms", "SMS"),
    SelectChoice("whatsapp", "WhatsApp"),
]


class NotificationSettingsForm(FlaskForm):
    quiet_enabled = BooleanField("Hold SMS and WhatsApp during quiet hours")
    quiet_start = StringField("Quiet from", validators=[CLOCK])
    quiet_end = StringField("Quiet until", validators=[CLOCK])
    feedback_request_days = IntegerField(
        "Ask for feedback this many days after delivery",
        validators=[InputRequired("Enter a number of days."), NumberRange(0, 60)],
    )
    stale_hours = FloatField(
        "Call a parcel stale after this many working hours without a scan",
        validators=[InputRequired("Enter a number of hours."), NumberRange(1, 1440)],
    )
    label_limbo_hours = FloatField(
        "Call a label stuck after this many working hours without pickup",
        validators=[InputRequired("Enter a number of hours."), NumberRange(1, 1440)],
    )
    sender_name = StringField("Sender name", validators=[Optional(), Length(max=80)])
    reply_to = EmailField("Reply-to address", validators=[Optional(), EMAIL_SHAPE])
    webhook_url = URLField("Webhook URL", validators=[Optional(), Length(max=500)])


class TemplateForm(FlaskForm):
    trigger = SelectField(
        "Message", choices=[SelectChoice(t, t.replace("_", " ").capitalize()) for t in TRIGGERS]
    )
    channel = SelectField("Channel", choices=TEXT_CHANNEL_CHOICES)
    subject = StringField("Subject (email)", validators=[Optional(), Length(max=300)])
    body = TextAreaField("Text", validators=[Optional(), Length(max=5000)])
