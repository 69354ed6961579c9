"""Pure parsing of FedEx Track answers: status map, scan events, estimates, delays."""

from __future__ import annotations

import logging
from datetime import date, datetime
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


def _latest_scan(track_result: dict) -> tuple[datetime | None, dict]:
    scans = as_list(track_result.get("scanEvents"))
    return newest_entry(scans, lambda scan: parse_iso_datetime(scan.get("date")))


def newest_scan(track_result: dict) -> datetime | None:
    """Return the time of a track result's newest scan (to choose among reused numbers)."""
    return _latest_scan(track_result)[0]


def _dates(track_result: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in as_list(track_result.get("dateAndTimes")):
        kind, value = text(entry.get("type")), text(entry.get("dateTime"))
        if kind and value:
            found.setdefault(kind.upper(), value)
    return found


def _window(track_result: dict, key: str) -> dict:
    return as_dict(as_dict(track_result.get(key)).get("window"))


def _estimate(track_result: dict, dates: dict[str, str], tz) -> EstimatedDelivery | None:
    window = _window(track_result, "estimatedDeliveryTimeWindow")
    begins = parse_iso_datetime(window.get("begins"), tz)
    ends = parse_iso_datetime(window.get("ends"), tz)
    if begins or ends:
        day = (begins or ends).date()  # type: ignore[union-attr]
        return EstimatedDelivery(day, begins, ends)
    for kind in ("ESTIMATED_DELIVERY", "COMMITMENT"):
        day = parse_iso_date(dates.get(kind))
        if day:
            return EstimatedDelivery(day)
    day = parse_iso_date(_window(track_result, "standardTransitTimeWindow").get("ends"))
    return EstimatedDelivery(day) if day else None


def _summary(latest: dict) -> Reading | None:
    code, derived = text(latest.get("code")), text(latest.get("derivedCode"))
    if not (code or derived):
        return None
    description = text(latest.get("description")) or text(latest.get("statusByLocale"))
    reasons = " ".join(
        text(a.get("reasonDescription")) or "" for a in as_list(latest.get("ancillaryDetails"))
    )
    status = map_status(code, derived, f"{description or ''} {reasons}")
    return Reading(status, code or derived, description)


def _delay_detail(entry: dict) -> str | None:
    """Return "<type> delay" ("weather delay") of a DELAYED delayDetail, else None."""
    delay = as_dict(entry.get("delayDetail"))
    if (text(delay.get("status")) or "").upper() != "DELAYED":
        return None
    # A type naming no known cause still says "delay", which reads as "Carrier delay".
    return f"{(text(delay.get('type')) or '').replace('_', ' ').lower()} delay"


def _delay(track_result: dict, status: S, newest: CarrierEvent | None) -> str | None:
    """The carrier's delay from the summary's and the newest scan's words and delayDetail,
    else from a delay code; the most specific cause wins."""
    latest = as_dict(track_result.get("latestStatusDetail"))
    _, scan = _latest_scan(track_result)
    found = current_delay(
        status,
        text(latest.get("description")) or text(latest.get("statusByLocale")),
        *(text(a.get("reasonDescription")) for a in as_list(latest.get("ancillaryDetails"))),
        newest.description if newest else None,
        _delay_detail(latest),
        _delay_detail(scan),
    )
    if found is None and status not in _FINISHED:
        codes = [text(latest.get("code")), newest.code if newest else None]
        found = next(
            (DELAY_CODES[c.upper()] for c in codes if c and c.upper() in DELAY_CODES), None
        )
    return found


def _first_promise(track_result: dict, dates: dict[str, str]) -> date | None:
    # The service's commitment (else its standard transit window) is what was promised at
    # shipping; ESTIMATED_DELIVERY and the estimated window move when the parcel runs late.
    standard = _window(track_result, "standardTransitTimeWindow")
    return parse_iso_date(dates.get("COMMITMENT")) or parse_iso_date(standard.get("ends"))


def parse_track_result(number: str, track_result: dict) -> TrackingResult:
    """Return the TrackingResult of one FedEx trackResults entry; never raises."""
    events = newest_first(parse_event(scan) for scan in as_list(track_result.get("scanEvents")))
    summary = _summary(as_dict(track_result.get("latestStatusDetail")))
    reading, _ = choose_reading("fedex", summary, events[0] if events else None)
    status = reading.status
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
        carrier_status_code=reading.code,
        carrier_status_text=reading.text,
        estimated_delivery=None if status in _FINISHED else _estimate(track_result, dates, tz),
        delivered_at=delivered_at,
        signed_by=text(details.get("signedByName")) or text(details.get("receivedByName")),
        delivery_location=text(details.get("locationDescription")),
        service=text(as_dict(track_result.get("serviceDetail")).get("description")),
        piece_count=count(as_dict(track_result.get("packageDetails")).get("count")),
        events=tuple(events),
        carrier_delay=_delay(track_result, status, events[0] if events else None),
        first_promised_date=_first_promise(track_result, dates),
    )
