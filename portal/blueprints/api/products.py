"""API endpoint: upsert the merchant's product catalogue by SKU."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from flask import g
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from portal.blueprints.api import bp
from portal.blueprints.api.views import api_key_required, json_body, validation_error
from portal.database import begin_write
from portal.extensions import db
from portal.services.recommendations import upsert_products
from portal.web.errors import json_error
from portal.web.input import DB_INT_MAX

MAX_PRODUCTS = 1000
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.lower().startswith(("http://", "https://")) or len(value.split("/")) < 3:
        raise ValueError("must be an http(s) URL")
    return value


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    name: Name
    url: Url
    image_url: Url | None = None
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    category: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    active: bool = True
    priority: int = Field(default=0, ge=-1000, le=1000)
    popularity: int = Field(default=0, ge=0, le=DB_INT_MAX)

    @field_validator("url", "image_url")
    @classmethod
    def http_urls(cls, value: str | None) -> str | None:
        return _http_url(value)


class CatalogueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    products: list[ProductIn] = Field(max_length=MAX_PRODUCTS)


def _duplicates(products: list[ProductIn]) -> dict[str, str]:
    seen: dict[str, int] = {}
    fields = {}
    for index, product in enumerate(products):
        if product.sku in seen:
            fields[f"products.{index}.sku"] = f"repeats products.{seen[product.sku]}.sku"
        seen.setdefault(product.sku, index)
    return fields


@bp.put("/products")
@api_key_required
def put_products():
    payload = json_body(list_key="products")
    try:
        body = CatalogueIn.model_validate(payload)
    except ValidationError as error:
        return validation_error(error)
    duplicates = _duplicates(body.products)
    if duplicates:
        return json_error(422, "invalid", "Some fields are invalid.", duplicates)
    begin_write()
    given = [(product.model_dump(), product.model_fields_set) for product in body.products]
    created, updated = upsert_products(g.merchant, given)
    db.session.commit()
    return {"created": created, "updated": updated}
