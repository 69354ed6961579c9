"""The order aggregate: Order, OrderItem, Shipment, TrackingEvent and the shopper's TrackingLink."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carriers.status import FINAL_STATUSES, TrackingStatus
from portal.database import UTCDateTime, utcnow
from portal.extensions import db


def normalise_order_number(order_number: str) -> str:
    """Order numbers match ignoring case, spaces and a leading '#'."""
    return re.sub(r"\s+", "", order_number).lstrip("#").upper()


def normalise_postal_code(postal_code: str) -> str:
    return re.sub(r"\s+", "", postal_code).upper()


shipment_items = Table(
    "shipment_items",
    db.metadata,
    Column("shipment_id", ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True),
    Column("order_item_id", ForeignKey("order_items.id", ondelete="CASCADE"), primary_key=True),
)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("merchant_id", "order_number_norm"),
        Index("ix_orders_merchant_email", "merchant_id", "customer_email_norm"),
        Index("ix_orders_merchant_phone", "merchant_id", "customer_phone"),
        Index("ix_orders_merchant_placed", "merchant_id", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    order_number: Mapped[str] = mapped_column(String(64))
    order_number_norm: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_email: Mapped[str | None] = mapped_column(String(254))
    customer_email_norm: Mapped[str | None] = mapped_column(String(254))
    customer_phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    # en, es or de; None when the shop didn't say (the page then follows the browser).
    customer_locale: Mapped[str | None] = mapped_column(String(10))
    sms_opt_in: Mapped[bool] = mapped_column(default=False)
    # Set when the shopper opts in or out on the tracking page (the API's flag has no time).
    sms_opt_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sms_opt_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ship_line1: Mapped[str | None] = mapped_column(String(200))
    ship_city: Mapped[str | None] = mapped_column(String(100))
    ship_region: Mapped[str | None] = mapped_column(String(100))
    ship_postal_code: Mapped[str | None] = mapped_column(String(20))
    ship_postal_code_norm: Mapped[str | None] = mapped_column(String(20))
    ship_country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moves whenever something the order's tracking page shows changes (services/page_versions).
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")

    merchant = relationship("Merchant")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[TrackingLink]] = relationship(
        back_populates="order", order_by="TrackingLink.id", cascade="all, delete-orphan"
    )

    @property
    def active_link(self) -> TrackingLink | None:
        return next((link for link in reversed(self.links) if link.revoked_at is None), None)

    @property
    def customer_first_name(self) -> str | None:
        return self.customer_name.split()[0] if self.customer_name else None


class OrderItem(db.Model):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(default=1)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    image_url: Mapped[str | None] = mapped_column(String(1000))
    product_url: Mapped[str | None] = mapped_column(String(1000))

    order: Mapped[Order] = relationship(back_populates="items")


class Shipment(db.Model):
    __tablename__ = "shipments"
    __table_args__ = (
        Index("ix_shipments_merchant_tracking", "merchant_id", "tracking_number"),
        Index("ix_shipments_carrier_tracking", "carrier", "tracking_number"),
        Index("ix_shipments_next_poll", "next_poll_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(20))
    tracking_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(24), default=TrackingStatus.UNKNOWN.value)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    carrier_status_code: Mapped[str | None] = mapped_column(String(40))
    carrier_status_text: Mapped[str | None] = mapped_column(String(300))
    service: Mapped[str | None] = mapped_column(String(120))
    delayed: Mapped[bool] = mapped_column(default=False)
    delay_reason: Mapped[str | None] = mapped_column(String(20))
    delay_explanation: Mapped[str | None] = mapped_column(Text)
    delivered_late: Mapped[bool] = mapped_column(default=False)
    # SPEC §6: {"date", "window_start", "window_end", "source", "basis"} or None.
    estimated_delivery: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    promised_date: Mapped[date | None] = mapped_column(Date)
    first_promised_date: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by: Mapped[str | None] = mapped_column(String(120))
    delivery_location: Mapped[str | None] = mapped_column(String(200))
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    poll_failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="shipments")
    items: Mapped[list[OrderItem]] = relationship(secondary=shipment_items, order_by="OrderItem.id")
    events: Mapped[list[TrackingEvent]] = relationship(
        back_populates="shipment",
        order_by="TrackingEvent.occurred_at.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def is_final(self) -> bool:
        return TrackingStatus(self.status) in FINAL_STATUSES


class TrackingEvent(db.Model):
    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint("shipment_id", "event_key"),
        Index("ix_tracking_events_shipment_time", "shipment_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    utc_offset_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(24))
    code: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="events")

    @property
    def local_time(self) -> datetime:
        """The event time in the carrier's local offset, as the carrier reported it."""
        return self.occurred_at.astimezone(timezone(timedelta(minutes=self.utc_offset_minutes)))

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class TrackingLink(db.Model):
    __tablename__ = "tracking_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship(back_populates="links")


class ShipmentChange(db.Model):
    """A recorded status transition or delay change: the history agents and reports read."""

    __tablename__ = "shipment_changes"
    __table_args__ = (
        Index("ix_shipment_changes_shipment", "shipment_id", "created_at"),
        Index("ix_shipment_changes_merchant_time", "merchant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"))
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # status | delay
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
