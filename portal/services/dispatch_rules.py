"""Whether an outbox row may go out now: suppressions, superseded states and quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_timezone
from sqlalchemy import select

from portal.extensions import db
from portal.models import Feedback, Merchant, Notification, Order, Shipment, SmsOptOut
from portal.services.outbox import channels_for
from portal.services.timezones import destination_timezone
from portal.services.unsubscribes import is_unsubscribed

DEFAULT_QUIET_HOURS = (time(21, 0), time(8, 0))
SHOPPER_CHANNELS = ("email", "sms", "whatsapp")
# A status trigger is stale once the shipment has left that status (the van came, the
# exception cleared): the shopper hears the newer news instead.
STATUS_OF_TRIGGER = {
    "out_for_delivery": "out_for_delivery",
    "available_for_pickup": "available_for_pickup",
    "attempt_failed": "attempt_failed",
    "exception": "exception",
}
WEBHOOK_EVENTS = {
    "order_confirmed": "order.created",
    "shipped": "shipment.status_changed",
    "out_for_delivery": "shipment.status_changed",
    "available_for_pickup": "shipment.status_changed",
    "attempt_failed": "shipment.status_changed",
    "exception": "shipment.status_changed",
    "delayed": "shipment.delayed",
    "delivered": "shipment.delivered",
    "feedback_created": "feedback.created",
}


@dataclass
class Decision:
    """send, suppress (with a reason) or wait (until `until`, e.g. the end of quiet hours)."""

    action: str
    reason: str | None = None
    until: datetime | None = None


SEND = Decision("send")


def sms_sender(channel: str, config) -> str:
    """The number messages on this channel come from (opt-outs are kept per sending number)."""
    if channel == "whatsapp":
        return "whatsapp:" + (config.get("TWILIO_WHATSAPP_FROM") or "").removeprefix("whatsapp:")
    return config.get("TWILIO_FROM") or "outbox"


def superseded_reason(row: Notification, shipment: Shipment | None) -> str | None:
    """Why a shopper message about an older state should not go out late, or None."""
    if shipment is None:
        return None
    status = shipment.status
    wanted = STATUS_OF_TRIGGER.get(row.trigger)
    if wanted and status != wanted:
        return f"superseded: the shipment is now {status}"
    if row.trigger == "shipped" and status in ("delivered", "returned", "cancelled"):
        return f"superseded: the shipment is now {status}"
    if row.trigger == "delayed" and (not shipment.delayed or status == "delivered"):
        return "superseded: the shipment is no longer delayed"
    return None


def whatsapp_template(merchant: Merchant, trigger: str) -> str | None:
    """The merchant's approved Twilio content template (HX…) for this trigger, if any."""
    templates = (merchant.settings or {}).get("whatsapp_templates") or {}
    value = templates.get(trigger)
    return value if isinstance(value, str) and value.strip() else None


def _parse_clock(value, default: time) -> time:
    try:
        return time.fromisoformat(value) if isinstance(value, str) else default
    except ValueError:
        return default


def quiet_hours(merchant: Merchant) -> tuple[time, time] | None:
    """The merchant's quiet hours (default 21:00–08:00); None when switched off."""
    setting = (merchant.settings or {}).get("quiet_hours", {})
    if setting is False or setting is None:
        return None
    if not isinstance(setting, dict):
        return DEFAULT_QUIET_HOURS
    return (
        _parse_clock(setting.get("start"), DEFAULT_QUIET_HOURS[0]),
        _parse_clock(setting.get("end"), DEFAULT_QUIET_HOURS[1]),
    )


def shopper_timezone(phone: str | None, order: Order) -> tzinfo:
    """The phone number's own timezone when it has exactly one, else the destination's."""
    try:
        number = phonenumbers.parse(phone.removeprefix("whatsapp:"), None) if phone else None
    except phonenumbers.NumberParseException:
        number = None
    if number is not None:
        zones = [z for z in phone_timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
        if len(zones) == 1:
            try:
                return ZoneInfo(zones[0])
            except ZoneInfoNotFoundError:
                pass
    return destination_timezone(order.ship_country, order.ship_region, order.ship_postal_code)


def quiet_until(now: datetime, zone: tzinfo, hours: tuple[time, time]) -> datetime | None:
    """When quiet hours end if `now` falls inside them (in `zone`), else None."""
    start, end = hours
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start == end:
        return None
    inside = (clock >= start or clock < end) if start > end else start <= clock < end
    if not inside:
        return None
    day = local.date() if (start < end or clock < end) else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def assess(row: Notification, shipment: Shipment | None, now: datetime, config) -> Decision:
    """Decide whether this claimed row goes out now; never sends anything itself."""
    order, merchant = row.order, row.order.merchant
    if row.channel == "webhook":
        if row.trigger not in WEBHOOK_EVENTS:
            return Decision("suppress", f"no webhook event for {row.trigger}")
        if not merchant.webhook_url or not merchant.webhook_secret:
            return Decision("suppress", "no webhook URL or secret set")
        return SEND
    if row.channel not in channels_for(merchant, row.trigger):
        return Decision("suppress", f"channel off: {row.channel} for {row.trigger}")
    if not row.recipient:
        return Decision("suppress", "no address")
    if row.channel in ("sms", "whatsapp"):
        if not order.sms_opt_in or order.customer_phone != row.recipient:
            return Decision("suppress", "not opted in to text messages")
        opted_out = db.session.scalar(
            select(SmsOptOut.id).where(
                SmsOptOut.phone == row.recipient,
                SmsOptOut.sender == sms_sender(row.channel, config),
            )
        )
        if opted_out:
            return Decision("suppress", "opted out (replied STOP)")
        if row.channel == "whatsapp" and not whatsapp_template(merchant, row.trigger):
            return Decision("suppress", f"no approved WhatsApp template for {row.trigger}")
    if row.channel == "email" and is_unsubscribed(merchant.id, "email", row.recipient):
        return Decision("suppress", "unsubscribed")
    if row.trigger in ("feedback_request", "feedback_nudge"):
        answered = db.session.scalar(select(Feedback.id).where(Feedback.order_id == order.id))
        if answered:
            return Decision("suppress", "feedback already given")
    reason = superseded_reason(row, shipment)
    if reason:
        return Decision("suppress", reason)
    if row.channel in ("sms", "whatsapp"):
        hours = quiet_hours(merchant)
        until = quiet_until(now, shopper_timezone(row.recipient, order), hours) if hours else None
        if until:
            return Decision("wait", "quiet hours", until)
    return SEND
