"""Orders and shipments as the merchant's systems push them to us."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.database import utcnow
from portal.extensions import db
from portal.models import Merchant, Order, OrderItem, Shipment
from portal.models.order import normalise_order_number, normalise_postal_code
from portal.services.links import issue_tracking_link


class OrderExists(Exception):
    """The merchant already has an order with this number."""


class ShipmentRejected(ValueError):
    """A shipment cannot be added; `fields` maps dotted paths to messages."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass
class ShipmentData:
    tracking_number: str
    carrier: str
    item_skus: list[str] | None = None


@dataclass
class ItemData:
    name: str
    sku: str | None = None
    quantity: int = 1
    price: Decimal | None = None
    image_url: str | None = None
    product_url: str | None = None


@dataclass
class OrderData:
    order_number: str
    placed_at: datetime | None = None
    currency: str | None = None
    total: Decimal | None = None
    customer_name: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_locale: str | None = None
    sms_opt_in: bool = False
    ship_line1: str | None = None
    ship_city: str | None = None
    ship_region: str | None = None
    ship_postal_code: str | None = None
    ship_country: str | None = None
    items: list[ItemData] = field(default_factory=list)
    shipments: list[ShipmentData] = field(default_factory=list)


def normalise_phone(raw: str, country: str | None = None) -> str | None:
    """Return the number in E.164, or None when it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, (country or "US").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_tracking_number(raw: str) -> str:
    return "".join(ch for ch in raw if ch not in " -\t").upper()


def get_order(merchant: Merchant, order_number: str) -> Order | None:
    """The merchant's order with that number (matched ignoring case, spaces and '#')."""
    return db.session.scalar(
        select(Order)
        .where(
            Order.merchant_id == merchant.id,
            Order.order_number_norm == normalise_order_number(order_number),
        )
        .options(
            selectinload(Order.items),
            selectinload(Order.links),
            selectinload(Order.shipments).selectinload(Shipment.events),
            selectinload(Order.shipments).selectinload(Shipment.items),
        )
    )


def create_order(merchant: Merchant, data: OrderData) -> Order:
    """Create the order with its items, shipments and first tracking link.

    Raises OrderExists for a repeated order number and ShipmentRejected for shipments that
    name unknown items.
    """
    number_norm = normalise_order_number(data.order_number)
    exists = db.session.scalar(
        select(Order.id).where(
            Order.merchant_id == merchant.id, Order.order_number_norm == number_norm
        )
    )
    if exists:
        raise OrderExists(data.order_number)
    order = Order(
        merchant=merchant,
        order_number=data.order_number.strip(),
        order_number_norm=number_norm,
        placed_at=data.placed_at or utcnow(),
        currency=data.currency,
        total=data.total,
        customer_name=data.customer_name,
        customer_email=data.customer_email,
        customer_email_norm=data.customer_email.strip().lower() if data.customer_email else None,
        customer_phone=data.customer_phone,
        customer_locale=data.customer_locale,
        sms_opt_in=data.sms_opt_in,
        ship_line1=data.ship_line1,
        ship_city=data.ship_city,
        ship_region=data.ship_region,
        ship_postal_code=data.ship_postal_code,
        ship_postal_code_norm=(
            normalise_postal_code(data.ship_postal_code) if data.ship_postal_code else None
        ),
        ship_country=data.ship_country,
    )
    db.session.add(order)
    for item in data.items:
        order.items.append(
            OrderItem(
                merchant_id=merchant.id,
                sku=item.sku,
                name=item.name,
                quantity=item.quantity,
                price=item.price,
                image_url=item.image_url,
                product_url=item.product_url,
            )
        )
    db.session.flush()
    for index, shipment in enumerate(data.shipments):
        add_shipment(order, shipment, field_prefix=f"shipments.{index}")
    issue_tracking_link(order)
    from portal.services.search import index_order_name  # search imports this module

    index_order_name(order)
    return order


def add_shipment(order: Order, data: ShipmentData, field_prefix: str = "") -> Shipment:
    """Add a shipment to the order, due for its first poll at once.

    Raises ShipmentRejected when the order already has this tracking number or a SKU is
    not one of the order's items.
    """
    prefix = f"{field_prefix}." if field_prefix else ""
    number = normalise_tracking_number(data.tracking_number)
    if any(s.tracking_number == number and s.carrier == data.carrier for s in order.shipments):
        raise ShipmentRejected({f"{prefix}tracking_number": "this order already has it"})
    items_by_sku = {item.sku: item for item in order.items if item.sku}
    unknown = [sku for sku in data.item_skus or [] if sku not in items_by_sku]
    if unknown:
        raise ShipmentRejected({f"{prefix}items": f"unknown SKU: {', '.join(unknown)}"})
    shipment = Shipment(
        merchant_id=order.merchant_id,
        carrier=data.carrier,
        tracking_number=number,
        next_poll_at=utcnow(),
        items=[items_by_sku[sku] for sku in data.item_skus or []],
    )
    order.shipments.append(shipment)
    db.session.flush()
    return shipment
