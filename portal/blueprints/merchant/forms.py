"""Small console forms: API keys, team invitations and roles."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

ROLE_CHOICES = [
    SelectChoice("agent", "Agent — the support console only"),
    SelectChoice("admin", "Admin — everything except removing an owner"),
    SelectChoice("owner", "Owner — everything"),
]


EMAIL_SHAPE = Regexp(
    r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$", message="Enter an email address like help@shop.com."
)


class ApiKeyForm(FlaskForm):
    name = StringField(
        "Key name",
        validators=[DataRequired('Name the key, e.g. "Shopify sync".'), Length(max=80)],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter an email address."), EMAIL_SHAPE],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="agent")


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(choice.value, choice.value.title()) for choice in ROLE_CHOICES],
    )
