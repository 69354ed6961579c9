"""Pure parsing of UPS Track answers: status map, event times, estimates, delivery details."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from carriers.delay import current_delay
from carriers.models import CarrierEvent, EstimatedDelivery, Location, TrackingResult
from carriers.parsing import (
    as_dict,
    as_list,
    code_message_pairs,
    count,
    datetime_on,
    destination_tz,
    newest_first,
    parse_offset,
    text,
)
from carriers.reconcile import Reading, choose_reading
from carriers.status import TrackingStatus as S

logger = logging.getLogger("carriers.ups")

# Every status type letter UPS documents. The letter is UPS's own category, so it decides
# the status; the activity code only refines it (see ACTIVITY_CODES).
STATUS_TYPES: dict[str, S] = {
    "M": S.PRE_TRANSIT,  # billing information received (label created)
    "MV": S.CANCELLED,  # billing information voided
    "P": S.IN_TRANSIT,  # pickup
    "I": S.IN_TRANSIT,  # in transit; out for delivery is told by the code
    "X": S.EXCEPTION,  # exception; a failed delivery attempt is refined below
    "D": S.DELIVERED,  # delivered; an Access Point drop-off is refined below
    "RS": S.RETURNED,  # returned to shipper
    "NA": S.UNKNOWN,  # not available
    # Freight at the origin container freight station has not left yet: calling that
    # "delivered" would end tracking before the journey starts.
    "DO": S.IN_TRANSIT,
    "DD": S.DELIVERED,  # delivered to the destination CFS, the last UPS leg for freight
    "W": S.IN_TRANSIT,  # warehousing
}

# Every activity code UPS documents, used when the type letter is missing or unknown.
ACTIVITY_CODES: dict[str, S] = {
    "MP": S.PRE_TRANSIT,  # manifest / billing received
    "PU": S.IN_TRANSIT,  # pickup scan
    "OR": S.IN_TRANSIT,  # origin scan
    "AR": S.IN_TRANSIT,  # arrival scan
    "DP": S.IN_TRANSIT,  # departure scan
    "DS": S.IN_TRANSIT,  # destination scan
    "EP": S.IN_TRANSIT,  # export scan
    "IP": S.IN_TRANSIT,  # import scan
    "UP": S.IN_TRANSIT,  # updated delivery date
    "UT": S.IN_TRANSIT,  # updated delivery time
    "OT": S.OUT_FOR_DELIVERY,  # out for delivery today
    "OF": S.OUT_FOR_DELIVERY,  # out for delivery
    "OD": S.OUT_FOR_DELIVERY,  # on vehicle for delivery
    "FS": S.DELIVERED,  # delivered
    "KB": S.AVAILABLE_FOR_PICKUP,  # left at a UPS Access Point for the receiver to collect
}
# UPS's three-digit status codes (`statusCode`, and `code` of a currentStatus): a summary
# of the package's state, not an activity code. Only these are read; any other is logged
# and the newest activity tells the status instead.
STATUS_CODES: dict[str, S] = {
    "003": S.PRE_TRANSIT,  # order processed: ready for UPS (label created)
    "005": S.IN_TRANSIT,  # in transit, on the way
    "007": S.EXCEPTION,  # exception (a failed attempt is refined by its words)
    "011": S.DELIVERED,  # delivered (an Access Point drop-off is refined by its words)
    "012": S.IN_TRANSIT,  # clearance in progress
    "021": S.OUT_FOR_DELIVERY,  # out for delivery
    "022": S.ATTEMPT_FAILED,  # first delivery attempt made
    "023": S.ATTEMPT_FAILED,  # second delivery attempt made
    "024": S.ATTEMPT_FAILED,  # final delivery attempt made
}
# Codes more specific than the type letter they arrive with.
_REFINES = {
    S.IN_TRANSIT: {S.OUT_FOR_DELIVERY, S.AVAILABLE_FOR_PICKUP},
    S.DELIVERED: {S.AVAILABLE_FOR_PICKUP},
    S.EXCEPTION: {S.ATTEMPT_FAILED},
}
# UPS files failed delivery attempts under the X (exception) letter with no dedicated
# code, so the documented wording tells an attempt from other exceptions.
_ATTEMPT_WORDING = ("attempt", "not available for delivery", "receiver was not available")
_WINDOW_TYPES = {"EDW", "CDW", "IDW"}


def errors_of(payload: Any) -> list[tuple[str, str]]:
    """Return (code, message) pairs of a UPS `{"response": {"errors": [...]}}` body."""
    return code_message_pairs(as_list(as_dict(as_dict(payload).get("response")).get("errors")))


def map_status(type_letter: str | None, code: str | None, description: str | None) -> S:
    """Return the status for a UPS status type letter and activity code.

    Unmapped combinations become UNKNOWN and are logged with the raw values.
    """
    type_letter = type_letter.upper() if type_letter else None
    code = code.upper() if code else None
    by_type = STATUS_TYPES.get(type_letter) if type_letter else None
    by_code = ACTIVITY_CODES.get(code) if code else None
    if by_type is None:
        if type_letter or by_code is None:
            logger.warning(
                "UPS: unmapped status type=%r code=%r (%s)", type_letter, code, description
            )
        return by_code or S.UNKNOWN
    status = by_type
    if by_code in _REFINES.get(status, ()):
        status = by_code
    return _refined_by_wording(status, description)


def _refined_by_wording(status: S, description: str | None) -> S:
    wording = (description or "").lower()
    if status is S.EXCEPTION and any(hint in wording for hint in _ATTEMPT_WORDING):
        return S.ATTEMPT_FAILED
    if status is S.DELIVERED and "access point" in wording and "await" in wording:
        return S.AVAILABLE_FOR_PICKUP
    return status


def _is_status_code(code: str | None) -> bool:
    return code is not None and len(code) == 3 and code.isascii() and code.isdigit()


def read_status(entry: dict) -> tuple[S, str] | None:
    """Return (status, code) of a UPS Status object (an activity's or the currentStatus),
    or None when it carries neither a type letter nor a code.

    A three-digit `code` is a status code, never an activity code. The type letter and
    activity code decide as in map_status, refined by a more specific status code; without
    them the status code decides (an unmapped one → UNKNOWN, logged with the raw code).
    """
    description = text(entry.get("description"))
    type_letter, raw_code = text(entry.get("type")), text(entry.get("code"))
    code, status_code = raw_code, text(entry.get("statusCode"))
    if _is_status_code(code):
        status_code, code = status_code if _is_status_code(status_code) else code, None
    by_status_code = STATUS_CODES.get(status_code or "")
    if type_letter or code:
        status = map_status(type_letter, code, description)
        if by_status_code in _REFINES.get(status, ()):
            status = by_status_code
        return status, raw_code or type_letter or ""
    if status_code is None:
        return None
    if by_status_code is None:
        logger.warning("UPS: unmapped status code %r (%s)", status_code, description)
        return S.UNKNOWN, status_code
    return _refined_by_wording(by_status_code, description), status_code


def parse_date(value: Any) -> date | None:
    """Return the date of a "YYYYMMDD" (or "YYYY-MM-DD") value, else None."""
    raw = (text(value) or "").replace("-", "")
    if len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


def parse_time(value: Any) -> time | None:
    """Return the time of an "HHMMSS", "HH:MM:SS" or "HHMM" value, else None."""
    raw = (text(value) or "").replace(":", "")
    if len(raw) not in (4, 6) or not (raw.isascii() and raw.isdigit()):
        return None
    try:
        return time(int(raw[:2]), int(raw[2:4]), int(raw[4:6] or 0))
    except ValueError:
        return None


def event_time(activity: dict) -> datetime | None:
    """Return the event's time in its own UTC offset, from the GMT fields when present."""
    offset = parse_offset(activity.get("gmtOffset"))
    gmt_date, gmt_time = parse_date(activity.get("gmtDate")), parse_time(activity.get("gmtTime"))
    try:
        if gmt_date and gmt_time:
            moment = datetime.combine(gmt_date, gmt_time, UTC)
            return moment.astimezone(offset) if offset else moment
        local_date, local_time = parse_date(activity.get("date")), parse_time(activity.get("time"))
        if local_date and local_time:
            return datetime.combine(local_date, local_time, offset or UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's edge
        return None
    return None


def parse_location(value: Any) -> Location:
    """Return the Location of a UPS `{"address": {...}}` object (empty when absent)."""
    address = as_dict(as_dict(value).get("address"))
    country = text(address.get("countryCode")) or text(address.get("country"))
    return Location(
        city=text(address.get("city")),
        region=text(address.get("stateProvince")),
        postal_code=text(address.get("postalCode")),
        country=country.upper() if country and len(country) == 2 else None,
    )


def parse_event(activity: dict) -> CarrierEvent | None:
    """Return the CarrierEvent of one `activity` entry, or None when it has no usable time."""
    occurred_at = event_time(activity)
    if occurred_at is None:
        return None
    status = as_dict(activity.get("status"))
    read = read_status(status)
    if read is None:
        logger.warning("UPS: activity without a status type or code (%s)", status)
    return CarrierEvent(
        occurred_at=occurred_at,
        status=read[0] if read else S.UNKNOWN,
        # As it always was: the code is part of the stored event's key.
        code=text(status.get("code")) or text(status.get("type")),
        description=text(status.get("description")) or "",
        location=parse_location(activity.get("location")),
    )


def pick_package(shipment: dict, wanted: str) -> dict | None:
    """Return the package with the asked number, else the first one, else None."""
    packages = as_list(shipment.get("package"))
    for package in packages:
        if (text(package.get("trackingNumber")) or "").replace(" ", "").upper() == wanted:
            return package
    return packages[0] if packages else None


def _destination_tz(package: dict, events: list[CarrierEvent]) -> tzinfo:
    destination = next(
        (
            parse_location(entry)
            for entry in as_list(package.get("packageAddress"))
            if (text(entry.get("type")) or "").upper() == "DESTINATION"
        ),
        Location(),
    )
    return destination_tz(destination, events)


def _estimate(dates: dict[str, date], window: dict, tz: tzinfo) -> EstimatedDelivery | None:
    day = dates.get("RDD") or dates.get("SDD")
    if day is None:
        return None
    kind = (text(window.get("type")) or "").upper()
    start, end = parse_time(window.get("startTime")), parse_time(window.get("endTime"))
    if kind in _WINDOW_TYPES:
        return EstimatedDelivery(day, datetime_on(day, start, tz), datetime_on(day, end, tz))
    if kind in ("EOD", "CMT"):
        return EstimatedDelivery(day, None, datetime_on(day, end or start, tz))
    return EstimatedDelivery(day)


def _delivered_at(
    dates: dict[str, date], window: dict, events: list[CarrierEvent], tz: tzinfo
) -> datetime | None:
    day = dates.get("DEL")
    if day is None:
        return None
    delivered = next(
        (e for e in events if e.status is S.DELIVERED and e.occurred_at.date() == day), None
    )
    moment = None
    if (text(window.get("type")) or "").upper() == "DEL":
        moment = parse_time(window.get("endTime")) or parse_time(window.get("startTime"))
    if moment is None:
        return delivered.occurred_at if delivered else None
    return datetime.combine(day, moment, delivered.occurred_at.tzinfo if delivered else tz)


def parse_package(number: str, package: dict) -> TrackingResult:
    """Return the TrackingResult for one UPS `package` object; never raises."""
    events = newest_first(parse_event(entry) for entry in as_list(package.get("activity")))
    current = as_dict(package.get("currentStatus"))
    words = [text(current.get("description")), text(current.get("simplifiedTextDescription"))]
    read = read_status(current)
    summary = Reading(read[0], read[1], words[0] or words[1]) if read else None
    reading, _ = choose_reading("ups", summary, events[0] if events else None)
    status = reading.status
    dates: dict[str, date] = {}
    for entry in as_list(package.get("deliveryDate")):
        kind, day = (text(entry.get("type")) or "").upper(), parse_date(entry.get("date"))
        if kind and day:
            dates[kind] = day
    window = as_dict(package.get("deliveryTime"))
    tz = _destination_tz(package, events)
    # An Access Point drop-off may carry a DEL date, but the receiver has nothing yet.
    delivered_at = _delivered_at(dates, window, events, tz) if status is S.DELIVERED else None
    estimate = None
    if status is not S.DELIVERED and "DEL" not in dates:
        estimate = _estimate(dates, window, tz)
    delivery = as_dict(package.get("deliveryInformation"))
    newest_words = events[0].description if events else None
    return TrackingResult(
        tracking_number=number,
        status=status,
        carrier_status_code=reading.code,
        carrier_status_text=reading.text if summary else words[0] or words[1] or reading.text,
        estimated_delivery=estimate,
        delivered_at=delivered_at,
        signed_by=text(delivery.get("receivedBy")),
        delivery_location=text(delivery.get("location")),
        service=text(as_dict(package.get("service")).get("description")),
        piece_count=count(package.get("packageCount")),
        events=tuple(events),
        carrier_delay=current_delay(status, *words, newest_words),
        first_promised_date=dates.get("SDD"),
    )
