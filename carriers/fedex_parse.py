"""Pure parsing of FedEx Track answers: status map, scan events, estimates, delays."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from carriers.delay import current_delay
from carriers.models import CarrierEvent, EstimatedDelivery, Location, TrackingResult
from carriers.parsing import (
    as_dict,
    as_list,
    count,
    country_code,
    destination_tz,
    newest_first,
    parse_iso_date,
    parse_iso_datetime,
    text,
)
from carriers.status import TrackingStatus as S

logger = logging.getLogger("carriers.fedex")

# Every eventType / derivedStatusCode FedEx documents.
STATUS_CODES: dict[str, S] = {
    "OC": S.PRE_TRANSIT,  # order created: label printed, FedEx has the data
    "IN": S.PRE_TRANSIT,  # initiated
    "PU": S.IN_TRANSIT,  # picked up
    "AR": S.IN_TRANSIT,  # arrived at a FedEx location
    "DP": S.IN_TRANSIT,  # departed a FedEx location
    "IT": S.IN_TRANSIT,  # in transit
    "AF": S.IN_TRANSIT,  # at local FedEx facility
    "FD": S.IN_TRANSIT,  # at FedEx destination facility
    "DY": S.IN_TRANSIT,  # delay: still moving, late (carrier_delay says why)
    "DD": S.IN_TRANSIT,  # delivery delay
    "CD": S.EXCEPTION,  # clearance delay: held in customs
    "OD": S.OUT_FOR_DELIVERY,  # on FedEx vehicle for delivery
    "DL": S.DELIVERED,  # delivered
    "HL": S.AVAILABLE_FOR_PICKUP,  # hold at location, for the recipient to collect
    "HP": S.AVAILABLE_FOR_PICKUP,  # ready for recipient pickup
    "DE": S.EXCEPTION,  # delivery exception; a failed attempt is refined below
    "SE": S.EXCEPTION,  # shipment exception
    "CA": S.CANCELLED,  # shipment cancelled by the sender
    "RS": S.RETURNED,  # return to shipper
}
DELAY_CODES = {"DY": "Carrier delay", "DD": "Delivery delay", "CD": "Customs delay"}
# FedEx files failed attempts under DE (delivery exception) without a dedicated code.
_ATTEMPT_WORDING = ("not available", "not in", "business closed", "attempt", "no one")
NOT_FOUND = "TRACKING.TRACKINGNUMBER.NOTFOUND"
_FINISHED = (S.DELIVERED, S.RETURNED, S.CANCELLED)


def map_status(code: str | None, derived: str | None, description: str | None) -> S:
    """Return the status for an eventType/code and derivedStatusCode; unmapped → UNKNOWN
    (logged with the raw codes)."""
    code, derived = (code or "").upper() or None, (derived or "").upper() or None
    status = STATUS_CODES.get(code or "") or STATUS_CODES.get(derived or "")
    if status is None:
        logger.warning("FedEx: unmapped status code=%r derived=%r (%s)", code, derived, description)
        return S.UNKNOWN
    wording = (description or "").lower()
    if status is S.EXCEPTION and code != "CD" and any(w in wording for w in _ATTEMPT_WORDING):
        return S.ATTEMPT_FAILED
    if status is S.DELIVERED and "return" in wording and "shipper" in wording:
        return S.RETURNED
    return status


def parse_location(value: Any) -> Location:
    """Return the Location of a FedEx scanLocation / address object."""
    place = as_dict(value)
    return Location(
        city=text(place.get("city")),
        region=text(place.get("stateOrProvinceCode")),
        postal_code=text(place.get("postalCode")),
        country=country_code(place.get("countryCode")),
    )


def parse_event(scan: dict) -> CarrierEvent | None:
    """Return the CarrierEvent of one scanEvents entry, or None without a usable time."""
    occurred_at = parse_iso_datetime(scan.get("date"))
    if occurred_at is None:
        return None
    code = text(scan.get("eventType"))
    description = text(scan.get("eventDescription")) or text(scan.get("derivedStatus")) or ""
    exception = text(scan.get("exceptionDescription"))
    return CarrierEvent(
        occurred_at=occurred_at,
        status=map_status(code, text(scan.get("derivedStatusCode")), f"{description} {exception}"),
        code=code or text(scan.get("derivedStatusCode")),
        description=f"{description}: {exception}" if exception else description,
        location=parse_location(scan.get("scanLocation")),
    )


def newest_scan(track_result: dict) -> datetime | None:
    """Return the time of a track result's newest scan (to choose among reused numbers)."""
    times = [parse_iso_datetime(s.get("date")) for s in as_list(track_result.get("scanEvents"))]
    return max((t for t in times if t is not None), default=None)


def _dates(track_result: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in as_list(track_result.get("dateAndTimes")):
        kind, value = text(entry.get("type")), text(entry.get("dateTime"))
        if kind and value:
            found.setdefault(kind.upper(), value)
    return found


def _estimate(track_result: dict, dates: dict[str, str], tz) -> EstimatedDelivery | None:
    window = as_dict(as_dict(track_result.get("estimatedDeliveryTimeWindow")).get("window"))
    begins = parse_iso_datetime(window.get("begins"), tz)
    ends = parse_iso_datetime(window.get("ends"), tz)
    if begins or ends:
        day = (begins or ends).date()  # type: ignore[union-attr]
        return EstimatedDelivery(day, begins, ends)
    for kind in ("ESTIMATED_DELIVERY", "COMMITMENT"):
        day = parse_iso_date(dates.get(kind))
        if day:
            return EstimatedDelivery(day)
    standard = as_dict(as_dict(track_result.get("standardTransitTimeWindow")).get("window"))
    day = parse_iso_date(standard.get("ends"))
    return EstimatedDelivery(day) if day else None


def _current(track_result: dict, events: list[CarrierEvent]) -> tuple[S, str | None, str | None]:
    latest = as_dict(track_result.get("latestStatusDetail"))
    code, derived = text(latest.get("code")), text(latest.get("derivedCode"))
    description = text(latest.get("description")) or text(latest.get("statusByLocale"))
    if code or derived:
        reasons = " ".join(
            text(a.get("reasonDescription")) or "" for a in as_list(latest.get("ancillaryDetails"))
        )
        status = map_status(code, derived, f"{description or ''} {reasons}")
        return status, code or derived, description
    if events:
        return events[0].status, events[0].code, events[0].description
    return S.UNKNOWN, None, None


def _delay(track_result: dict, status: S, code: str | None, text_now: str | None) -> str | None:
    latest = as_dict(track_result.get("latestStatusDetail"))
    delay = as_dict(latest.get("delayDetail"))
    reasons = [text(a.get("reasonDescription")) for a in as_list(latest.get("ancillaryDetails"))]
    scans = as_list(track_result.get("scanEvents"))
    newest = scans[0] if scans else {}
    wording = [text_now, *reasons, text(newest.get("exceptionDescription"))]
    found = current_delay(status, *wording)
    if found is None and (text(delay.get("status")) or "").upper() == "DELAYED":
        kind = (text(delay.get("type")) or "").replace("_", " ").lower()
        found = current_delay(status, f"{kind} delay") or "Carrier delay"
    if found is None and (code or "").upper() in DELAY_CODES and status is not S.DELIVERED:
        found = DELAY_CODES[(code or "").upper()]
    return found


def parse_track_result(number: str, track_result: dict) -> TrackingResult:
    """Return the TrackingResult of one FedEx trackResults entry; never raises."""
    events = newest_first(parse_event(scan) for scan in as_list(track_result.get("scanEvents")))
    status, code, description = _current(track_result, events)
    dates = _dates(track_result)
    recipient = as_dict(track_result.get("recipientInformation"))
    tz = destination_tz(parse_location(recipient.get("address")), events)
    details = as_dict(track_result.get("deliveryDetails"))
    delivered_at = None
    if status is S.DELIVERED:
        delivered_at = parse_iso_datetime(dates.get("ACTUAL_DELIVERY"), tz) or next(
            (e.occurred_at for e in events if e.status is S.DELIVERED), None
        )
    return TrackingResult(
        tracking_number=number,
        status=status,
        carrier_status_code=code,
        carrier_status_text=description,
        estimated_delivery=None if status in _FINISHED else _estimate(track_result, dates, tz),
        delivered_at=delivered_at,
        signed_by=text(details.get("signedByName")) or text(details.get("receivedByName")),
        delivery_location=text(details.get("locationDescription")),
        service=text(as_dict(track_result.get("serviceDetail")).get("description")),
        piece_count=count(as_dict(track_result.get("packageDetails")).get("count")),
        events=tuple(events),
        carrier_delay=_delay(track_result, status, code, description),
    )
