"""Defensive helpers every carrier parser shares: shapes, text, ISO times, error kinds."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from carriers.models import CarrierEvent, ErrorKind, Location, TrackingResult

_OFFSET = re.compile(r"^([+-])(\d{1,2}):?(\d{2})$", re.ASCII)
_TAG = re.compile(r"<[^>]*>")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?$", re.ASCII)


def as_dict(value: Any) -> dict:
    """Return the value if it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[dict]:
    """Return the dicts in a list (carriers sometimes send one object where a list is due)."""
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """Return a stripped non-empty string (numbers stringified), else None."""
    if type(value) is str:  # the common case first: parsers call this for every field
        return value.strip() or None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        stripped = str(value).strip()
    except ValueError:  # an integer too long to print
        return None
    return stripped or None


def plain_text(value: Any) -> str | None:
    """Return text with HTML tags removed and entities decoded ("Priority Mail<SUP>&reg;</SUP>"
    → "Priority Mail®"), whitespace collapsed; None when nothing is left."""
    raw = text(value)
    if raw is None:
        return None
    return text(" ".join(html.unescape(_TAG.sub("", raw)).split()))


def count(value: Any) -> int | None:
    """Return a small non-negative integer from a number or numeric string, else None."""
    raw = text(value)
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 7 else None


def parse_offset(value: Any) -> timezone | None:
    """Return the fixed offset of a "-05:00"-style value ("Z" is UTC), else None."""
    raw = text(value) or ""
    if raw.upper() == "Z":
        return UTC
    match = _OFFSET.match(raw)
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        return None
    return timezone(-delta if sign == "-" else delta)


def parse_iso_datetime(value: Any, default_tz: tzinfo | None = None) -> datetime | None:
    """Return an ISO 8601 date-time; a value without offset gets `default_tz` or, when that
    is None, is refused. Returns None for anything unreadable."""
    raw = text(value)
    if raw is None or len(raw) < 16 or not raw.isascii():
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if default_tz is None:
            return None
        moment = moment.replace(tzinfo=default_tz)
    try:
        moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's edge
        return None
    return moment


def parse_iso_date(value: Any) -> date | None:
    """Return the date of "YYYY-MM-DD" or of an ISO date-time (its own local date), else None."""
    raw = text(value)
    if raw is None or len(raw) < 10 or not raw[:10].isascii():
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def datetime_on(day: date, moment: time | None, tz: tzinfo) -> datetime | None:
    """Return `day` at `moment` in `tz`, or None without a moment."""
    return datetime.combine(day, moment, tz) if moment else None


def parse_clock(value: Any) -> time | None:
    """Return the time of "HH:MM", "HH:MM:SS" or "h:MM am", else None."""
    match = _CLOCK.match(text(value) or "")
    if not match:
        return None
    hours, minutes, seconds, half = match.groups()
    hour = int(hours)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return time(hour, int(minutes), int(seconds or 0))
    except ValueError:
        return None


def destination_tz(destination: Location, events: Sequence[CarrierEvent]) -> tzinfo:
    """Return the UTC offset of a scan at the destination, else of the newest scan, else UTC.

    Carriers give delivery dates and windows in the destination's local time without an
    offset; a scan there (or the newest one, usually nearby) supplies it.
    """
    for event in events:
        place = event.location
        if (destination.postal_code and place.postal_code == destination.postal_code) or (
            destination.city and (place.city or "").lower() == destination.city.lower()
        ):
            return event.occurred_at.tzinfo or UTC
    return events[0].occurred_at.tzinfo or UTC if events else UTC


def country_code(value: Any) -> str | None:
    """Return an upper-case two-letter country code, else None."""
    raw = text(value)
    return raw.upper() if raw and len(raw) == 2 and raw.isascii() and raw.isalpha() else None


def newest_entry(
    entries: Iterable[dict], moment_of: Callable[[dict], datetime | None]
) -> tuple[datetime | None, dict]:
    """Return (time, entry) of the raw entry with the newest readable time, else (None, {})."""
    dated = [(moment_of(entry), entry) for entry in entries]
    kept = [(moment, entry) for moment, entry in dated if moment is not None]
    return max(kept, key=lambda pair: pair[0]) if kept else (None, {})


def newest_first(events: Iterable[CarrierEvent | None]) -> list[CarrierEvent]:
    """Return the events that parsed, newest first."""
    kept = [event for event in events if event is not None]
    kept.sort(key=lambda event: event.occurred_at, reverse=True)
    return kept


def kind_for_status(status: int) -> ErrorKind:
    """Return the ErrorKind an HTTP error status means when the body says nothing clearer."""
    if status in (401, 403):
        return ErrorKind.AUTH
    if status == 404:
        return ErrorKind.NOT_FOUND
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status in (400, 422):
        return ErrorKind.INVALID
    return ErrorKind.TEMPORARY


def kind_for_error(status: int, codes: Iterable[str], kinds: Mapping[str, ErrorKind]) -> ErrorKind:
    """Return the kind of the first of a body's error codes found in `kinds`, else the
    status's kind; 401 and 403 are AUTH whatever the body says."""
    fallback = kind_for_status(status)
    if status in (401, 403):
        return fallback
    return next((kinds[code] for code in codes if code in kinds), fallback)


def code_message_pairs(errors: Iterable[dict]) -> list[tuple[str, str]]:
    """Return (code, message) of each error object with either ("?" or "" for the other)."""
    return [
        (text(error.get("code")) or "?", text(error.get("message")) or "")
        for error in errors
        if text(error.get("code")) or text(error.get("message"))
    ]


def error_message(carrier: str, errors: Iterable[tuple[str, str]]) -> str:
    """Return "Carrier code: message; …" for a carrier's (code, message) pairs, "" for none."""
    return "; ".join(f"{carrier} {code}: {message}" for code, message in errors)


def failures(numbers: Sequence[str], kind: ErrorKind, message: str) -> list[TrackingResult]:
    """Return one failed result per number."""
    return [TrackingResult.failure(number, kind, message) for number in numbers]
