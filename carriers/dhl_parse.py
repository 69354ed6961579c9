"""Pure parsing of DHL Shipment Tracking (Unified) answers: status codes refined by wording."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from carriers.delay import current_delay
from carriers.models import CarrierEvent, EstimatedDelivery, Location, TrackingResult
from carriers.parsing import (
    as_dict,
    as_list,
    count,
    country_code,
    destination_tz,
    newest_entry,
    newest_first,
    parse_iso_date,
    parse_iso_datetime,
    text,
)
from carriers.reconcile import Reading, choose_reading
from carriers.status import TrackingStatus as S

logger = logging.getLogger("carriers.dhl")

# Every statusCode DHL documents; the words of status/description refine them (_REFINE).
STATUS_CODES: dict[str, S] = {
    "pre-transit": S.PRE_TRANSIT,
    "transit": S.IN_TRANSIT,
    "delivered": S.DELIVERED,
    "failure": S.EXCEPTION,
    "unknown": S.UNKNOWN,
}
# Per statusCode, phrases that name a more specific status; the first match wins.
_ATTEMPT = ("delivery attempt", "could not be delivered", "recipient not home", "not available")
_RETURNED = (
    "returned to shipper",
    "returned to sender",
    "return to sender",
    "return to shipper",
    "being returned",
    "returned to the sender",
    "returning to sender",
    "returning to shipper",
)
_REFINE: dict[S, tuple[tuple[tuple[str, ...], S], ...]] = {
    S.IN_TRANSIT: (
        (_RETURNED, S.RETURNED),
        (("with delivery courier", "out for delivery", "loaded onto the delivery vehicle"),
         S.OUT_FOR_DELIVERY),
        (("awaiting collection", "ready for pickup", "available for pickup", "held for pickup",
          "ready for collection", "service point", "parcel locker", "packstation"),
         S.AVAILABLE_FOR_PICKUP),
        (_ATTEMPT, S.ATTEMPT_FAILED),
    ),
    S.DELIVERED: ((_RETURNED, S.RETURNED),),
    S.EXCEPTION: (
        (("cancelled", "canceled", "voided"), S.CANCELLED),
        (_RETURNED, S.RETURNED),
        (_ATTEMPT, S.ATTEMPT_FAILED),
    ),
}  # fmt: skip


def map_status(code: str | None, wording: str | None) -> S:
    """Return the status for a DHL statusCode refined by its status/description words;
    an unmapped code → UNKNOWN, logged with the raw code."""
    status = STATUS_CODES.get((code or "").lower())
    if status is None:
        logger.warning("DHL: unmapped statusCode %r (%s)", code, wording)
        return S.UNKNOWN
    words = (wording or "").lower()
    for phrases, refined in _REFINE.get(status, ()):
        if any(phrase in words for phrase in phrases):
            return refined
    return status


def _words(entry: dict) -> str:
    parts = ("status", "statusDetailed", "description", "remark")
    return " ".join(text(entry.get(key)) or "" for key in parts)


def parse_location(value: Any) -> Location:
    """Return the Location of a DHL `{"address": {...}}` object."""
    address = as_dict(as_dict(value).get("address"))
    return Location(
        city=text(address.get("addressLocality")),
        region=text(address.get("addressRegion")),
        postal_code=text(address.get("postalCode")),
        country=country_code(address.get("countryCode")),
    )


def _time(entry: dict) -> datetime | None:
    return parse_iso_datetime(entry.get("timestamp"), UTC)


def parse_event(entry: dict) -> CarrierEvent | None:
    """Return the CarrierEvent of one status/events entry, or None without a usable time.

    DHL's timestamps are ISO 8601; one without an offset is read as UTC.
    """
    occurred_at = _time(entry)
    if occurred_at is None:
        return None
    code = text(entry.get("statusCode"))
    return CarrierEvent(
        occurred_at=occurred_at,
        status=map_status(code, _words(entry)),
        code=code,
        description=text(entry.get("description")) or text(entry.get("status")) or "",
        location=parse_location(entry.get("location")),
    )


def _estimate(shipment: dict, tz) -> EstimatedDelivery | None:
    frame = as_dict(shipment.get("estimatedDeliveryTimeFrame"))
    start = parse_iso_datetime(frame.get("estimatedFrom"), tz)
    end = parse_iso_datetime(frame.get("estimatedThrough"), tz)
    eta = parse_iso_datetime(shipment.get("estimatedTimeOfDelivery"), tz)
    if start or end:
        return EstimatedDelivery((start or end).date(), start, end)  # type: ignore[union-attr]
    # DHL's single estimate is a time the shipment should arrive by: the window's end.
    if eta is not None:
        return EstimatedDelivery(eta.date(), None, eta)
    day = parse_iso_date(shipment.get("estimatedTimeOfDelivery"))
    return EstimatedDelivery(day) if day else None


def parse_shipment(number: str, shipment: dict) -> TrackingResult:
    """Return the TrackingResult of one DHL `shipments[]` entry; never raises."""
    raw_events = as_list(shipment.get("events"))
    events = newest_first(parse_event(entry) for entry in raw_events)
    current = as_dict(shipment.get("status"))
    code = text(current.get("statusCode"))
    summary = None
    if code:
        summary = Reading(
            map_status(code, _words(current)),
            code,
            text(current.get("description")) or text(current.get("status")),
            _time(current),
        )
    reading, stale = choose_reading("dhl", summary, events[0] if events else None)
    status = reading.status
    _, newest = newest_entry(raw_events, _time)
    details = as_dict(shipment.get("details"))
    proof = as_dict(details.get("proofOfDelivery"))
    destination = parse_location(as_dict(shipment.get("destination")))
    tz = destination_tz(destination, events)
    delivered_at = None
    if status is S.DELIVERED:
        delivered_at = parse_iso_datetime(proof.get("timestamp"), tz) or next(
            (e.occurred_at for e in events if e.status is S.DELIVERED), None
        )
    finished = status in (S.DELIVERED, S.RETURNED, S.CANCELLED)
    return TrackingResult(
        tracking_number=number,
        status=status,
        carrier_status_code=reading.code,
        carrier_status_text=reading.text,
        estimated_delivery=None if finished else _estimate(shipment, tz),
        delivered_at=delivered_at,
        signed_by=text(as_dict(proof.get("signed")).get("name")) if delivered_at else None,
        delivery_location=None,
        service=text(as_dict(details.get("product")).get("productName")),
        piece_count=count(details.get("totalNumberOfPieces")),
        events=tuple(events),
        # The words of the summary (unless older than the newest event), of the newest
        # event and of the estimate's remark, wherever DHL says it.
        carrier_delay=current_delay(
            status,
            "" if stale else _words(current),
            _words(newest),
            text(shipment.get("estimatedTimeOfDeliveryRemark")),
        ),
    )
