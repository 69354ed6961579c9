"""The branding form: images, colours, font, texts, links, support contacts and FAQ."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp, ValidationError

from portal.blueprints.merchant.forms import EMAIL_SHAPE
from portal.web.branding import HEX_COLOR, safe_url

FONT_CHOICES = [
    SelectChoice("system", "System (the phone's own font)"),
    SelectChoice("humanist", "Humanist sans"),
    SelectChoice("geometric", "Geometric sans"),
    SelectChoice("rounded", "Rounded"),
    SelectChoice("serif", "Serif"),
    SelectChoice("mono", "Monospace"),
]
COLOR_RULE = Regexp(HEX_COLOR.pattern, message="Use a hex colour like #1f6feb.")


def web_link(form, field):
    if field.data and (safe_url(field.data) is None or not field.data.startswith("http")):
        raise ValidationError("Use a full address starting with https://")


class FooterLinkForm(Form):
    label = StringField("Label", validators=[Optional(), Length(max=60)])
    url = URLField("Address", validators=[Optional(), Length(max=500), web_link])


class FaqEntryForm(Form):
    question = StringField("Question", validators=[Optional(), Length(max=200)])
    answer = TextAreaField("Answer", validators=[Optional(), Length(max=2000)])


class BrandingForm(FlaskForm):
    logo = FileField("Logo")
    remove_logo = BooleanField("Remove the logo")
    favicon = FileField("Favicon")
    remove_favicon = BooleanField("Remove the favicon")
    primary_color = StringField("Primary colour", validators=[COLOR_RULE])
    accent_color = StringField("Accent colour", validators=[COLOR_RULE])
    font = SelectField("Font", choices=FONT_CHOICES)
    header_text = StringField("Header text", validators=[Optional(), Length(max=200)])
    support_email = EmailField(
        "Support email", validators=[Optional(), EMAIL_SHAPE, Length(max=254)]
    )
    support_phone = StringField(
        "Support phone",
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9 +().-]{5,40}$", message="Use digits, spaces and + ( ) - only."),
        ],
    )
    support_url = URLField(
        "Help centre address", validators=[Optional(), Length(max=500), web_link]
    )
    custom_host = StringField(
        "Custom tracking host",
        validators=[Optional(), Length(max=253)],
        filters=[lambda value: value.strip().lower().rstrip(".") if value else value],
    )
    footer_links = FieldList(FormField(FooterLinkForm), min_entries=4, max_entries=8)
    faq = FieldList(FormField(FaqEntryForm), min_entries=3, max_entries=20)

    def branding_values(self) -> dict:
        """The text fields as merchant attributes (blank → None)."""
        values = {
            "primary_color": (self.primary_color.data or "").lower(),
            "accent_color": (self.accent_color.data or "").lower(),
            "font": self.font.data,
        }
        for name in ("header_text", "support_email", "support_phone", "support_url", "custom_host"):
            values[name] = (getattr(self, name).data or "").strip() or None
        return values
