"""Pure parsing of EasyPost Trackers: statuses, details, and webhook signatures."""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
from datetime import UTC, datetime
from typing import Any

from carriers.delay import current_delay
from carriers.models import CarrierEvent, ErrorKind, EstimatedDelivery, Location, TrackingResult
from carriers.parsing import (
    as_dict,
    as_list,
    country_code,
    newest_entry,
    newest_first,
    parse_iso_date,
    parse_iso_datetime,
    text,
)
from carriers.reconcile import Reading, choose_reading
from carriers.status import TrackingStatus as S

logger = logging.getLogger("carriers.easypost")

# Every Tracker status EasyPost documents.
STATUSES: dict[str, S] = {
    "unknown": S.UNKNOWN,
    "pre_transit": S.PRE_TRANSIT,
    "in_transit": S.IN_TRANSIT,
    "out_for_delivery": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "available_for_pickup": S.AVAILABLE_FOR_PICKUP,
    "return_to_sender": S.RETURNED,
    "failure": S.EXCEPTION,
    "cancelled": S.CANCELLED,
    "error": S.UNKNOWN,  # EasyPost could not read the carrier: nothing known yet
}
# status_detail values that say more than the status they come with.
_EXCEPTION_DETAILS = {
    "delivery_exception",
    "transit_exception",
    "damaged",
    "held",
    "lost",
    "missorted",
    "refused",
    "address_correction",
}
_DELAY_DETAILS = {"weather_delay": "Weather delay", "delayed": "Carrier delay"}
_ATTEMPT_WORDING = ("attempt", "not available", "notice left", "no one", "not home")
SIGNATURE_HEADER = "X-Hmac-Signature"
SIGNATURE_PREFIX = "hmac-sha256-hex="


def map_status(status: str | None, detail: str | None, message: str | None) -> S:
    """Return the status for an EasyPost status and status_detail (message words refine
    exceptions into failed attempts); an unmapped status → UNKNOWN, logged."""
    mapped = STATUSES.get((status or "").lower())
    if mapped is None:
        logger.warning("EasyPost: unmapped status %r detail=%r (%s)", status, detail, message)
        return S.UNKNOWN
    detail = (detail or "").lower()
    words = (message or "").lower()
    if detail == "return" and mapped in (S.IN_TRANSIT, S.EXCEPTION):
        return S.RETURNED
    if detail in _EXCEPTION_DETAILS and mapped in (S.IN_TRANSIT, S.OUT_FOR_DELIVERY):
        mapped = S.EXCEPTION
    if mapped is S.EXCEPTION and any(w in words for w in _ATTEMPT_WORDING):
        return S.ATTEMPT_FAILED
    return mapped


def _time(detail: dict) -> datetime | None:
    return parse_iso_datetime(detail.get("datetime"), UTC)


def parse_detail(detail: dict) -> CarrierEvent | None:
    """Return the CarrierEvent of one tracking_details entry (EasyPost times are UTC)."""
    occurred_at = _time(detail)
    if occurred_at is None:
        return None
    place = as_dict(detail.get("tracking_location"))
    message = text(detail.get("message")) or text(detail.get("description")) or ""
    return CarrierEvent(
        occurred_at=occurred_at,
        status=map_status(text(detail.get("status")), text(detail.get("status_detail")), message),
        code=text(detail.get("status_detail")) or text(detail.get("status")),
        description=message,
        location=Location(
            city=text(place.get("city")),
            region=text(place.get("state")),
            postal_code=text(place.get("zip")),
            country=country_code(place.get("country")),
        ),
    )


def _estimate(tracker: dict) -> EstimatedDelivery | None:
    # The carrier's local date is the promise as the shopper sees it; the UTC one may have
    # crossed midnight.
    local_day = parse_iso_date(
        as_dict(tracker.get("carrier_detail")).get("est_delivery_date_local")
    )
    day = local_day or parse_iso_date(tracker.get("est_delivery_date"))
    return EstimatedDelivery(day) if day else None


def parse_tracker(number: str, tracker: dict) -> TrackingResult:
    """Return the TrackingResult of one EasyPost Tracker object; never raises.

    A tracker EasyPost has no scans for yet (status unknown or error) → NOT_FOUND.
    """
    raw_details = as_list(tracker.get("tracking_details"))
    events = newest_first(parse_detail(d) for d in raw_details)
    raw_status, detail = text(tracker.get("status")), text(tracker.get("status_detail"))
    newest_message = events[0].description if events else None
    summary_status = map_status(raw_status, detail, newest_message)
    if summary_status is S.UNKNOWN and not events:
        return TrackingResult.failure(
            number,
            ErrorKind.NOT_FOUND,
            f"EasyPost: no tracking information yet ({raw_status or 'no status'})",
        )
    summary = Reading(summary_status, raw_status, newest_message or detail) if raw_status else None
    reading, _ = choose_reading("easypost", summary, events[0] if events else None)
    status = reading.status
    _, newest = newest_entry(raw_details, _time)
    delivered_at = None
    if status is S.DELIVERED:
        delivered_at = next((e.occurred_at for e in events if e.status is S.DELIVERED), None)
    # The tracker's and the newest detail's status_detail name a delay as EasyPost sees it;
    # the most specific of those and the newest detail's words wins.
    details = (detail, text(newest.get("status_detail")))
    named = [_DELAY_DETAILS.get((value or "").lower()) for value in details]
    words = (newest_message, text(newest.get("description")), *named)
    finished = status in (S.DELIVERED, S.RETURNED, S.CANCELLED)
    return TrackingResult(
        tracking_number=number,
        status=status,
        carrier_status_code=reading.code,
        carrier_status_text=reading.text,
        estimated_delivery=None if finished else _estimate(tracker),
        delivered_at=delivered_at,
        signed_by=text(tracker.get("signed_by")) if status is S.DELIVERED else None,
        delivery_location=None,
        service=text(as_dict(tracker.get("carrier_detail")).get("service")),
        piece_count=None,
        events=tuple(events),
        carrier_delay=current_delay(status, *words),
        first_promised_date=parse_iso_date(
            as_dict(tracker.get("carrier_detail")).get("guaranteed_delivery_date")
        ),
    )


def updated_at(tracker: dict) -> datetime:
    """Return a tracker's updated_at (else created_at) for choosing the freshest one."""
    for field in ("updated_at", "created_at"):
        moment = parse_iso_datetime(tracker.get(field), UTC)
        if moment is not None:
            return moment
    return datetime(1, 1, 2, tzinfo=UTC)


def webhook_signature(secret: str, body: bytes) -> str:
    """Return the X-Hmac-Signature value EasyPost sends for a raw webhook body."""
    key = unicodedata.normalize("NFKD", secret).encode("utf-8")
    return SIGNATURE_PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_webhook(secret: str, body: bytes, header: str | None) -> bool:
    """Return True when the X-Hmac-Signature header matches the raw body (constant time)."""
    if not secret or not header:
        return False
    return hmac.compare_digest(webhook_signature(secret, body), header.strip())


def parse_webhook(payload: Any) -> TrackingResult | None:
    """Return the result carried by a tracker.* webhook Event, else None (other events)."""
    event = as_dict(payload)
    description = text(event.get("description")) or ""
    tracker = as_dict(event.get("result"))
    number = text(tracker.get("tracking_code"))
    if not description.startswith("tracker.") or number is None:
        return None
    return parse_tracker(number, tracker)
