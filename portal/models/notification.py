"""The notification outbox row (SPEC §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_order", "order_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(254))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    # pending, sending, sent, failed or suppressed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)
    suppressed_reason: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What went out, as sent (the dev inbox and the agent console show it).
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(100))
    # Why the merchant's own template was not used (the default went out instead).
    template_problem: Mapped[str | None] = mapped_column(String(300))

    order = relationship("Order")
    shipment = relationship("Shipment")


class SmsOptOut(db.Model):
    """A phone that replied STOP to one of our sending numbers: nothing more from that number."""

    __tablename__ = "sms_opt_outs"
    __table_args__ = (UniqueConstraint("phone", "sender", name="uq_sms_opt_outs_phone_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(40))
    sender: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Unsubscribe(db.Model):
    """A shopper's one-click unsubscribe from one merchant's messages on one channel."""

    __tablename__ = "unsubscribes"
    __table_args__ = (
        UniqueConstraint(
            "merchant_id", "channel", "recipient", name="uq_unsubscribes_merchant_channel_recipient"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
