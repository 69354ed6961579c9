"""Pure parsing of USPS Tracking v3 answers: codes and categories, GMT event times, drift."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo

from carriers.delay import current_delay
from carriers.models import CarrierEvent, EstimatedDelivery, Location, TrackingResult
from carriers.parsing import (
    as_list,
    country_code,
    datetime_on,
    destination_tz,
    newest_first,
    parse_clock,
    parse_iso_date,
    parse_iso_datetime,
    parse_offset,
    plain_text,
    text,
)
from carriers.reconcile import Reading, choose_reading
from carriers.status import TrackingStatus as S

logger = logging.getLogger("carriers.usps")

# Every eventCode carriers.md documents.
EVENT_CODES: dict[str, S] = {
    "GX": S.PRE_TRANSIT,  # shipping label created, USPS awaiting item
    "03": S.IN_TRANSIT,  # accepted / USPS in possession of item
    "SF": S.IN_TRANSIT,  # departed post office
    "10": S.IN_TRANSIT,  # arrived at USPS facility
    "A1": S.IN_TRANSIT,  # arrived at USPS facility
    "T1": S.IN_TRANSIT,  # departed USPS facility
    "TL": S.IN_TRANSIT,  # in transit to next facility
    "07": S.IN_TRANSIT,  # arrived at post office
    "OF": S.OUT_FOR_DELIVERY,  # out for delivery
    "01": S.DELIVERED,  # delivered (to the original sender: refined to returned)
    "02": S.ATTEMPT_FAILED,  # notice left
    "53": S.ATTEMPT_FAILED,  # notice left / attempted
    "55": S.ATTEMPT_FAILED,  # delivery attempted
    "14": S.AVAILABLE_FOR_PICKUP,  # arrival at pickup point
}
# Every statusCategory USPS uses; "Alert" is told apart by its wording (see _WORDING).
CATEGORIES: dict[str, S] = {
    "pre-shipment": S.PRE_TRANSIT,
    "accepted": S.IN_TRANSIT,
    "in transit": S.IN_TRANSIT,
    "out for delivery": S.OUT_FOR_DELIVERY,
    "available for pickup": S.AVAILABLE_FOR_PICKUP,
    "delivery attempt": S.ATTEMPT_FAILED,
    "delivered": S.DELIVERED,
    "return to sender": S.RETURNED,
    "alert": S.EXCEPTION,
}
# USPS statuses are words: these phrases decide when a code or category is not enough.
# Checked in order; the first phrase found wins.
_WORDING: tuple[tuple[str, S], ...] = (
    ("label cancelled", S.CANCELLED),
    ("label canceled", S.CANCELLED),
    ("to original sender", S.RETURNED),
    ("return to sender", S.RETURNED),
    ("returned to sender", S.RETURNED),
    ("notice left", S.ATTEMPT_FAILED),
    ("delivery attempted", S.ATTEMPT_FAILED),
    ("available for pickup", S.AVAILABLE_FOR_PICKUP),
    ("out for delivery", S.OUT_FOR_DELIVERY),
    ("delivered", S.DELIVERED),
    ("label created", S.PRE_TRANSIT),
    ("pre-shipment", S.PRE_TRANSIT),
    ("arriving late", S.IN_TRANSIT),
    ("exception", S.EXCEPTION),
    ("delay", S.EXCEPTION),
    ("in transit", S.IN_TRANSIT),
    ("in possession", S.IN_TRANSIT),
    ("arrived at", S.IN_TRANSIT),
    ("departed", S.IN_TRANSIT),
)
# Alerts that are still moving, only late: in transit with a carrier delay.
_LATE_WORDING = ("arriving late", "running late", "delayed", "delay")


def _by_wording(wording: str) -> S | None:
    return next((status for phrase, status in _WORDING if phrase in wording), None)


def map_status(code: str | None, category: str | None, wording: str | None) -> S:
    """Return the status for an eventCode, a statusCategory and the status text.

    The code decides, else the category, refined by the wording; nothing recognised →
    UNKNOWN, logged with the raw values.
    """
    words = (wording or "").lower()
    by_wording = _by_wording(words)
    status = EVENT_CODES.get((code or "").upper()) or CATEGORIES.get((category or "").lower())
    if code and code.upper() not in EVENT_CODES:
        logger.info("USPS: undocumented event code %r (%s)", code, wording)
    if status is None:
        if by_wording is None:
            logger.warning(
                "USPS: unmapped status code=%r category=%r (%s)", code, category, wording
            )
            return S.UNKNOWN
        return by_wording
    if by_wording in (S.CANCELLED, S.RETURNED):
        return by_wording
    if status is S.EXCEPTION:
        if by_wording in (S.ATTEMPT_FAILED, S.AVAILABLE_FOR_PICKUP):
            return by_wording
        if any(phrase in words for phrase in _LATE_WORDING) and "weather" not in words:
            return S.IN_TRANSIT
    return status


def event_time(event: dict) -> datetime | None:
    """Return the event time from GMTTimestamp in the GMTOffset where it happened.

    Without GMT fields the bare local time is read with the offset if given, else as UTC.
    """
    offset = parse_offset(event.get("GMTOffset"))
    gmt = parse_iso_datetime(event.get("GMTTimestamp"), UTC)
    try:
        if gmt is not None:
            return gmt.astimezone(offset) if offset else gmt.astimezone(UTC)
        local = parse_iso_datetime(event.get("eventTimestamp"), offset or UTC)
        return local.replace(tzinfo=offset) if local and offset else local
    except OverflowError:
        return None


def parse_event(event: dict) -> CarrierEvent | None:
    """Return the CarrierEvent of one trackingEvents entry, or None without a usable time."""
    occurred_at = event_time(event)
    if occurred_at is None:
        return None
    description = plain_text(event.get("eventType")) or ""
    code = text(event.get("eventCode"))
    city, postal_code = text(event.get("eventCity")), text(event.get("eventZIP"))
    # Domestic scans leave the country empty; a scan with a place but no country is in the US.
    country = country_code(event.get("eventCountry")) or ("US" if city or postal_code else None)
    return CarrierEvent(
        occurred_at=occurred_at,
        status=map_status(code, None, description),
        code=code,
        description=description,
        location=Location(city, text(event.get("eventState")), postal_code, country),
    )


def _estimate(payload: dict, tz: tzinfo) -> EstimatedDelivery | None:
    predicted = parse_iso_date(payload.get("predictedDeliveryDate"))
    if predicted:
        start = payload.get("predictedDeliveryWindowStartTime")
        end = payload.get("predictedDeliveryWindowEndTime")
        start_at = parse_iso_datetime(start, tz) or datetime_on(predicted, parse_clock(start), tz)
        end_at = parse_iso_datetime(end, tz) or datetime_on(predicted, parse_clock(end), tz)
        return EstimatedDelivery(predicted, start_at, end_at)
    for field in ("expectedDeliveryTimeStamp", "guaranteedDeliveryTimeStamp"):
        moment = parse_iso_datetime(payload.get(field), tz)
        if moment is not None:
            return EstimatedDelivery(moment.date(), None, moment)
        day = parse_iso_date(payload.get(field))
        if day is not None:
            return EstimatedDelivery(day)
    return None


def _delivery_location(status_text: str | None) -> str | None:
    # "Delivered, In/At Mailbox" → "In/At Mailbox"
    if status_text and status_text.lower().startswith("delivered,"):
        return text(status_text.split(",", 1)[1])
    return None


def parse_tracking(number: str, payload: dict) -> TrackingResult:
    """Return the TrackingResult of one USPS tracking answer; never raises."""
    events = newest_first(parse_event(e) for e in as_list(payload.get("trackingEvents")))
    status_text = plain_text(payload.get("status"))
    category = plain_text(payload.get("statusCategory"))
    newest = events[0] if events else None
    summary = None
    if status_text or category:
        summary_code = category or (newest.code if newest else None)
        summary = Reading(map_status(None, category, status_text), summary_code, status_text)
    reading, _ = choose_reading("usps", summary, newest)
    status = reading.status
    destination = Location(
        city=text(payload.get("destinationCity")),
        postal_code=text(payload.get("destinationZIP")),
    )
    tz = destination_tz(destination, events)
    delivered = next((e for e in events if e.status is S.DELIVERED), None)
    delivered_raw = next(
        (
            raw
            for raw in as_list(payload.get("trackingEvents"))
            if text(raw.get("eventCode")) == "01"
        ),
        {},
    )
    finished = status in (S.DELIVERED, S.RETURNED, S.CANCELLED)
    return TrackingResult(
        tracking_number=number,
        status=status,
        carrier_status_code=reading.code,
        carrier_status_text=reading.text,
        estimated_delivery=None if finished else _estimate(payload, tz),
        delivered_at=delivered.occurred_at if delivered and status is S.DELIVERED else None,
        signed_by=text(delivered_raw.get("name")) if status is S.DELIVERED else None,
        delivery_location=_delivery_location(status_text) if status is S.DELIVERED else None,
        service=plain_text(payload.get("mailClass")),
        piece_count=None,
        events=tuple(events),
        carrier_delay=current_delay(
            status,
            status_text,
            plain_text(payload.get("statusSummary")),
            newest.description if newest else None,
        ),
        # A guarantee, else the service's expected date, is the first promise; the predicted
        # date is USPS's current one.
        first_promised_date=parse_iso_date(payload.get("guaranteedDeliveryTimeStamp"))
        or parse_iso_date(payload.get("expectedDeliveryTimeStamp")),
    )
