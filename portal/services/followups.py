"""Time-based triggers: the feedback request N days after delivery and the SMS nudge after it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Feedback, Notification, Order, Shipment
from portal.services.outbox import NotificationRequest, queue_notifications

DEFAULT_FEEDBACK_DAYS = 7
NUDGE_AFTER = timedelta(days=3)
LOOKBACK = timedelta(days=30)  # an order delivered longer ago than this is never asked
UNSETTLED = ("unknown", "pre_transit", "in_transit", "out_for_delivery", "available_for_pickup")
UNSETTLED += ("attempt_failed", "exception")


def feedback_days(settings: dict | None) -> int:
    """Days after delivery to ask for feedback (merchant setting `feedback_request_days`)."""
    value = (settings or {}).get("feedback_request_days")
    return value if isinstance(value, int) and 0 <= value <= 60 else DEFAULT_FEEDBACK_DAYS


def _already(trigger: str):
    return exists().where(Notification.order_id == Order.id, Notification.trigger == trigger)


def queue_feedback_requests(now: datetime) -> int:
    """Queue `feedback_request` for orders whose last parcel was delivered long enough ago
    (per merchant setting) and that were not asked yet; returns the rows queued. Flushes."""
    delivered = (
        select(Shipment.order_id, func.max(Shipment.delivered_at).label("last"))
        .where(Shipment.status == "delivered", Shipment.delivered_at >= now - LOOKBACK)
        .group_by(Shipment.order_id)
        .subquery()
    )
    unsettled = exists().where(Shipment.order_id == Order.id, Shipment.status.in_(UNSETTLED))
    candidates = db.session.execute(
        select(Order, delivered.c.last)
        .join(delivered, delivered.c.order_id == Order.id)
        .where(
            ~unsettled,
            ~_already("feedback_request"),
            ~exists().where(Feedback.order_id == Order.id),
        )
        .options(joinedload(Order.merchant))
    ).all()
    requests = [
        NotificationRequest(order, "feedback_request")
        for order, last in candidates
        if last <= now - timedelta(days=feedback_days(order.merchant.settings))
    ]
    return len(queue_notifications(requests, now))


def queue_feedback_nudges(now: datetime) -> int:
    """Queue the SMS `feedback_nudge` 3 days after a sent, unanswered feedback request;
    returns the rows queued. Flushes."""
    asked = (
        select(Notification.order_id)
        .where(
            Notification.trigger == "feedback_request",
            Notification.status == "sent",
            Notification.sent_at <= now - NUDGE_AFTER,
            Notification.sent_at >= now - NUDGE_AFTER - LOOKBACK,
        )
        .distinct()
    )
    orders = db.session.scalars(
        select(Order)
        .where(
            Order.id.in_(asked),
            ~_already("feedback_nudge"),
            ~exists().where(Feedback.order_id == Order.id),
        )
        .options(joinedload(Order.merchant))
    ).unique()
    requests = [NotificationRequest(order, "feedback_nudge") for order in orders]
    return len(queue_notifications(requests, now))
