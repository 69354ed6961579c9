"""Request bodies of the JSON API, validated with pydantic; errors become dotted field paths."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

import carriers
from carriers.detect import detect
from portal.services.orders import normalise_phone, normalise_tracking_number

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
TRACKING_NUMBER = re.compile(r"^[0-9A-Z]{6,40}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _http_url(value: str | None) -> str | None:
    if value and not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be an http(s) URL")
    return value or None


class CustomerIn(_Body):
    name: Text | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    locale: str | None = None
    sms_opt_in: bool = False

    @field_validator("email")
    @classmethod
    def email_shape(cls, value: str | None) -> str | None:
        if value and not EMAIL.match(value):
            raise ValueError("must be an email address")
        return value or None

    @field_validator("locale")
    @classmethod
    def known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        language = value.replace("_", "-").split("-")[0].lower()
        if language not in ("en", "es", "de"):
            raise ValueError("must be en, es or de")
        return language


class AddressIn(_Body):
    line1: Text | None = None
    city: Text | None = None
    region: Text | None = None
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = (
        None
    )
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = None

    @field_validator("country")
    @classmethod
    def upper_country(cls, value: str | None) -> str | None:
        return value.upper() if value else None


class ItemIn(_Body):
    sku: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    quantity: int = Field(default=1, ge=1, le=10_000)
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    image_url: Url | None = None
    product_url: Url | None = None

    @field_validator("image_url", "product_url")
    @classmethod
    def http_urls(cls, value: str | None) -> str | None:
        return _http_url(value)


class ShipmentIn(_Body):
    tracking_number: str
    carrier: str | None = None
    items: list[str] | None = None

    @field_validator("tracking_number")
    @classmethod
    def tracking_shape(cls, value: str) -> str:
        number = normalise_tracking_number(value)
        if not TRACKING_NUMBER.match(number):
            raise ValueError("must be 6–40 letters and digits")
        return number

    @field_validator("carrier")
    @classmethod
    def known_carrier(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().lower()
        if code not in carriers.carrier_codes():
            raise ValueError(f"must be one of {', '.join(carriers.carrier_codes())}")
        return code

    @model_validator(mode="after")
    def carrier_known_or_detected(self) -> ShipmentIn:
        """Without a carrier, take the one carrier whose number rule holds (SPEC §7)."""
        if self.carrier is not None:
            return self
        candidates = detect(self.tracking_number)
        found = list(dict.fromkeys(candidate.carrier for candidate in candidates))
        if not found:
            raise _FieldError(
                "carrier", "is required: the tracking number matches no carrier we know"
            )
        if len(found) > 1:
            raise _FieldError(
                "carrier", f"is ambiguous for this tracking number: one of {', '.join(found)}"
            )
        self.carrier = found[0]
        self.tracking_number = candidates[0].number
        return self


class OrderIn(_Body):
    order_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
    ]
    placed_at: datetime | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] | None = None
    total: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    customer: CustomerIn = Field(default_factory=CustomerIn)
    shipping_address: AddressIn | None = None
    items: list[ItemIn] = Field(default_factory=list, max_length=500)
    shipments: list[ShipmentIn] = Field(default_factory=list, max_length=50)

    @field_validator("order_number")
    @classmethod
    def has_characters(cls, value: str) -> str:
        if not value.lstrip("#").strip():
            raise ValueError("must contain more than '#'")
        return value

    @field_validator("placed_at")
    @classmethod
    def has_offset(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("must include a UTC offset, e.g. 2026-11-20T14:03:00Z")
        try:
            value.astimezone(UTC)  # it is stored in UTC, which must stay within years 1–9999
        except OverflowError:
            raise ValueError("is out of range") from None
        return value

    @model_validator(mode="after")
    def consistent(self) -> OrderIn:
        skus = [item.sku for item in self.items if item.sku]
        if len(skus) != len(set(skus)):
            raise ValueError("items: each sku may appear once")
        if self.customer.phone:
            country = self.shipping_address.country if self.shipping_address else None
            phone = normalise_phone(self.customer.phone, country)
            if phone is None:
                raise _FieldError("customer.phone", "must be a valid phone number")
            self.customer.phone = phone
        return self


class _FieldError(ValueError):
    """A cross-field check that names the field it is about."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def field_errors(error: ValidationError) -> dict[str, str]:
    """Map pydantic's errors to {"shipments.0.tracking_number": "message"}."""
    fields: dict[str, str] = {}
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        message = item["msg"].removeprefix("Value error, ")
        context_error = item.get("ctx", {}).get("error")
        if isinstance(context_error, _FieldError):
            # A model-level check names its field relative to where the model sits.
            location = [*location, *context_error.path.split(".")]
            message = str(context_error)
        if item["type"] == "extra_forbidden":
            message = "is not a known field"
        fields.setdefault(".".join(location) or "body", message)
    return fields


def parse_body(model: type[BaseModel], payload: Any) -> BaseModel:
    return model.model_validate(payload)
