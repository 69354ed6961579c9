"""Product add/edit and CSV import forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, StringField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ProductForm(FlaskForm):
    sku = StringField("SKU", validators=[DataRequired("Enter the SKU."), Length(max=64)])
    name = StringField("Name", validators=[DataRequired("Enter the name."), Length(max=200)])
    url = URLField(
        "Product page",
        validators=[DataRequired("Enter the product page address."), Length(max=1000)],
    )
    image_url = URLField("Image address", validators=[Optional(), Length(max=1000)])
    price = StringField("Price", validators=[Optional(), Length(max=20)])
    currency = StringField("Currency", validators=[Optional(), Length(min=3, max=3)])
    category = StringField("Category", validators=[Optional(), Length(max=100)])
    tags = StringField("Tags", validators=[Optional(), Length(max=500)])
    priority = IntegerField(
        "Priority", default=0, validators=[Optional(), NumberRange(-1000, 1000)]
    )
    active = BooleanField("Recommend this product", default=True)

    def raw_values(self) -> dict:
        return {
            "sku": self.sku.data,
            "name": self.name.data,
            "url": self.url.data,
            "image_url": self.image_url.data,
            "price": self.price.data,
            "currency": self.currency.data,
            "category": self.category.data,
            "tags": self.tags.data,
            "priority": str(self.priority.data or 0),
            "active": "yes" if self.active.data else "no",
        }


class ImportForm(FlaskForm):
    file = FileField("CSV file")
