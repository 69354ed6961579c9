"""How the agent console words things: status chips, times, page views, notification results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.blueprints.tracking.presenter import (
    carrier_name,
    lead_shipment,
    public_tracking_url,
    summarise,
)
from portal.database import utcnow
from portal.models import Merchant, Notification, Order, Shipment, TrackingEvent
from portal.services.agent import PageViewSummary

STATUS_LABELS = {
    "unknown": "Not found yet",
    "pre_transit": "Label created",
    "in_transit": "In transit",
    "out_for_delivery": "Out for delivery",
    "available_for_pickup": "At pickup point",
    "attempt_failed": "Attempt failed",
    "exception": "Exception",
    "delivered": "Delivered",
    "returned": "Returned",
    "cancelled": "Cancelled",
    "expired": "Tracking expired",
}
STATUS_TONES = {
    "delivered": "success",
    "attempt_failed": "warning",
    "exception": "danger",
    "returned": "neutral",
    "cancelled": "neutral",
    "expired": "neutral",
    "unknown": "neutral",
}
DELAY_LABELS = {
    "late": "Late",
    "rescheduled": "Rescheduled",
    "stale": "No recent scan",
    "label_limbo": "Not picked up",
    "carrier_delay": "Carrier delay",
}
TRIGGER_LABELS = {
    "order_confirmed": "Order confirmed",
    "shipped": "Shipped",
    "out_for_delivery": "Out for delivery",
    "available_for_pickup": "Ready for pickup",
    "attempt_failed": "Delivery attempted",
    "exception": "Delivery problem",
    "delayed": "Running late",
    "delivered": "Delivered",
    "feedback_request": "Feedback request",
    "feedback_nudge": "Feedback reminder",
    "feedback_created": "Feedback received",
}
CHANNEL_LABELS = {"email": "Email", "sms": "SMS", "whatsapp": "WhatsApp", "webhook": "Webhook"}
# Notification status → (words, tone, icon)
NOTIFICATION_STATES = {
    "pending": ("Waiting to send", "neutral", "clock"),
    "sending": ("Sending", "neutral", "clock"),
    "sent": ("Sent", "success", "check-circle"),
    "failed": ("Failed", "danger", "alert-octagon"),
    "suppressed": ("Not sent", "warning", "x-circle"),
}
SOURCE_WORDS = {
    "email": "the email link",
    "sms": "the SMS link",
    "lookup": "the lookup form",
    "direct": "a direct link",
}


def zone_of(merchant: Merchant) -> tzinfo:
    try:
        return ZoneInfo(merchant.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def status_tone(shipment: Shipment) -> str:
    if shipment.delayed and shipment.status not in ("delivered", "exception"):
        return "warning"
    return STATUS_TONES.get(shipment.status, "progress")


def delay_label(reason: str | None) -> str:
    return DELAY_LABELS.get(reason or "", "Delayed")


def trigger_label(trigger: str) -> str:
    return TRIGGER_LABELS.get(trigger, trigger.replace("_", " ").capitalize())


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def notification_state(notification: Notification) -> tuple[str, str, str]:
    return NOTIFICATION_STATES.get(notification.status, (notification.status, "neutral", "clock"))


def resend_outcome(row: Notification, zone: tzinfo) -> tuple[str, bool]:
    """What became of a resent message, in words, and whether that is good news."""
    if row.status == "sent":
        return f"Sent again to {row.recipient}.", True
    if row.status == "suppressed":
        return f"Not sent: {row.suppressed_reason or 'the dispatcher held it back'}.", False
    if row.status == "failed":
        return f"Sending failed: {row.error}.", False
    if row.error:
        return f"Sending failed ({row.error}); it will be tried again shortly.", False
    if row.next_attempt_at and row.next_attempt_at > utcnow():
        hold = when(row.next_attempt_at, zone)
        return f"Queued: it goes out {hold}, after the customer's quiet hours.", True
    return "Queued again: it goes out with the next send.", True


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '12 min ago', '3 h ago', '2 days ago'."""
    if moment is None:
        return "never"
    seconds = max(0, int(((now or utcnow()) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def when(moment: datetime | None, zone: tzinfo, with_year: bool = False) -> str:
    """'Mon 23 Nov 14:05' in the given zone (the merchant's, or an event's own offset)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return local.strftime("%a %d %b %Y %H:%M" if with_year else "%a %d %b %H:%M")


def delivered_when(shipment: Shipment, zone: tzinfo) -> str:
    """When it was delivered, in the carrier's local time as the shopper's page says it."""
    event = next((e for e in shipment.events if e.status == "delivered"), None)
    if event is not None:
        return when(event.occurred_at, event.local_time.tzinfo)
    return when(shipment.delivered_at, zone)


def day(value: date | datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def views_sentence(summary: PageViewSummary, now: datetime | None = None) -> str:
    """'Viewed 5 times, last 12 min ago, from the SMS link' (agent lookups not counted)."""
    if not summary.shopper_views:
        return "The customer hasn't opened the tracking page yet."
    times = "once" if summary.shopper_views == 1 else f"{summary.shopper_views} times"
    source = SOURCE_WORDS.get(summary.last_source or "", "a link")
    return f"Viewed {times}, last {ago(summary.last_seen, now)}, from {source}"


def source_breakdown(summary: PageViewSummary) -> list[str]:
    """['3 from the SMS link', '2 from the email link'], most first."""
    parts = sorted(summary.sources.items(), key=lambda item: -item[1])
    return [f"{count} from {SOURCE_WORDS.get(source, source)}" for source, count in parts]


@dataclass
class Estimate:
    day: date
    window: str | None
    source: str


def estimate_of(shipment: Shipment) -> Estimate | None:
    raw = shipment.estimated_delivery or {}
    try:
        estimated_day = date.fromisoformat(raw.get("date") or "")
    except (TypeError, ValueError):
        return None
    window = None
    start, end = raw.get("window_start"), raw.get("window_end")
    if start and end:
        window = f"{start[11:16]}–{end[11:16]}"
    elif end:
        window = f"by {end[11:16]}"
    source = "Carrier's estimate" if raw.get("source") == "carrier" else "Porchlight's estimate"
    return Estimate(estimated_day, window, source)


@dataclass
class Headline:
    """What the shopper is asking about: the sentence they see, the delay, estimate, last scan."""

    sentence: str
    details: list[str]
    tone: str
    delay_words: str | None
    shipment: Shipment | None
    estimate: Estimate | None
    last_scan: TrackingEvent | None
    carrier: str | None


def headline(order: Order, now: datetime | None = None) -> Headline:
    summary = summarise(order, now)
    shipment = lead_shipment(list(order.shipments))
    return Headline(
        sentence=summary.hero,
        details=list(summary.details),
        tone=summary.tone,
        delay_words=summary.delay.reason if summary.delay else None,
        shipment=shipment,
        estimate=estimate_of(shipment) if shipment else None,
        last_scan=shipment.events[0] if shipment and shipment.events else None,
        carrier=carrier_name(shipment.carrier) if shipment else None,
    )


def template_helpers() -> dict:
    """The helpers the agent templates call."""
    return {
        "status_label": status_label,
        "status_tone": status_tone,
        "delay_label": delay_label,
        "trigger_label": trigger_label,
        "channel_label": channel_label,
        "notification_state": notification_state,
        "carrier_name": carrier_name,
        "carrier_url": public_tracking_url,
        "ago": ago,
        "when": when,
        "day": day,
        "delivered_when": delivered_when,
        "estimate_of": estimate_of,
    }
