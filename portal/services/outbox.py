"""Writing notification outbox rows (SPEC §9) in the same transaction as the change behind them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import Merchant, Notification, Order, Shipment

TRIGGERS = (
    "order_confirmed",
    "shipped",
    "out_for_delivery",
    "available_for_pickup",
    "attempt_failed",
    "exception",
    "delayed",
    "delivered",
    "feedback_request",
    "feedback_nudge",
)
CHANNELS = ("email", "sms", "whatsapp", "webhook")

# Which channels each trigger uses unless the merchant says otherwise (settings["channels"]).
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    "order_confirmed": ("email", "webhook"),
    "shipped": ("email", "webhook"),
    "out_for_delivery": ("email", "sms", "webhook"),
    "available_for_pickup": ("email", "sms", "webhook"),
    "attempt_failed": ("email", "sms", "webhook"),
    "exception": ("email", "webhook"),
    "delayed": ("email", "sms", "webhook"),
    "delivered": ("email", "sms", "webhook"),
    "feedback_request": ("email",),
    "feedback_nudge": ("sms",),
}
# Triggers that may recur for one shipment (a second failed attempt is news); the others
# happen once per shipment, and `delayed` once per promised date.
RECURRING_TRIGGERS = frozenset(
    {"out_for_delivery", "available_for_pickup", "attempt_failed", "exception"}
)


@dataclass
class NotificationRequest:
    """A trigger that fired for an order (and shipment), before channels are chosen."""

    order: Order
    trigger: str
    shipment: Shipment | None = None
    promised_date: date | None = None
    event_key: str | None = None
    context: dict[str, Any] = field(default_factory=dict)


def channels_for(merchant: Merchant, trigger: str) -> tuple[str, ...]:
    """The channels a merchant sends this trigger on (its settings, else the defaults)."""
    configured = ((merchant.settings or {}).get("channels") or {}).get(trigger)
    if isinstance(configured, list):
        return tuple(channel for channel in configured if channel in CHANNELS)
    return DEFAULT_CHANNELS.get(trigger, ())


def recipient_for(order: Order, merchant: Merchant, channel: str) -> str | None:
    """Where this channel would send for the order, or None when there is nowhere to send."""
    if channel == "email":
        return order.customer_email
    if channel in ("sms", "whatsapp"):
        return order.customer_phone if order.sms_opt_in else None
    if channel == "webhook":
        return merchant.webhook_url
    return None


def dedupe_key(request: NotificationRequest, channel: str) -> str:
    """Order + shipment + trigger + channel, with the promised date or the triggering event."""
    parts = [str(request.order.id), str(request.shipment.id) if request.shipment else "-"]
    parts += [request.trigger, channel]
    if request.trigger == "delayed" and request.promised_date:
        parts.append(request.promised_date.isoformat())
    elif request.trigger in RECURRING_TRIGGERS and request.event_key:
        parts.append(request.event_key[:16])
    return ":".join(parts)


def queue_notifications(
    requests: Iterable[NotificationRequest], now: datetime
) -> list[Notification]:
    """Add one pending outbox row per request and enabled channel with a recipient.

    Rows whose dedupe key already exists are skipped (one query for the whole batch), so
    re-applying the same change never queues a message twice. Flushes, never commits.
    """
    candidates: dict[str, Notification] = {}
    for request in requests:
        merchant = request.order.merchant
        for channel in channels_for(merchant, request.trigger):
            recipient = recipient_for(request.order, merchant, channel)
            if recipient is None:
                continue
            key = dedupe_key(request, channel)
            candidates[key] = {
                "merchant_id": request.order.merchant_id,
                "order_id": request.order.id,
                "shipment_id": request.shipment.id if request.shipment else None,
                "trigger": request.trigger,
                "channel": channel,
                "recipient": recipient,
                "dedupe_key": key,
                "status": "pending",
                "context": request.context,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
    if not candidates:
        return []
    existing = set(
        db.session.scalars(
            select(Notification.dedupe_key).where(Notification.dedupe_key.in_(list(candidates)))
        )
    )
    rows = [row for key, row in candidates.items() if key not in existing]
    if rows:
        db.session.execute(Notification.__table__.insert(), rows)
    return rows


def queue_order_confirmed(order: Order, now: datetime) -> list[dict[str, Any]]:
    """Queue `order_confirmed` for a just-created order (in the creating transaction).

    The merchant switches it off with settings["channels"]["order_confirmed"] = []. Flushes.
    """
    return queue_notifications([NotificationRequest(order, "order_confirmed")], now)


def queue_feedback_created(order: Order, feedback_context: dict[str, Any], now: datetime):
    """Queue the merchant's `feedback.created` webhook (`feedback_context`: stage, rating,
    comment). Flushes; returns the rows (none without a webhook URL)."""
    merchant = order.merchant
    if not merchant.webhook_url:
        return []
    key = f"{order.id}:-:feedback_created:webhook:{feedback_context.get('stage')}"
    key += f":{feedback_context.get('rating')}:{now.isoformat()}"
    row = Notification(
        merchant_id=order.merchant_id,
        order_id=order.id,
        trigger="feedback_created",
        channel="webhook",
        recipient=merchant.webhook_url,
        dedupe_key=key[:200],
        status="pending",
        context=feedback_context,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return [row]
