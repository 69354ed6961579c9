"""Carrier working time: Monday to Saturday in the destination's timezone, DST-correct."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SUNDAY = 6  # date.weekday()
HOUR = timedelta(hours=1)


def is_working_day(day: date) -> bool:
    """True for Monday to Saturday, the days carriers move parcels."""
    return day.weekday() != SUNDAY


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working time needs timezone-aware datetimes")


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    # A nonexistent local midnight (DST starting at 00:00) resolves with fold=0 to the
    # transition instant itself, which is exactly where that local day begins.
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def working_hours_between(start: datetime, end: datetime, tz: ZoneInfo) -> float:
    """Hours between two instants that fall on Monday–Saturday local days in `tz`.

    Returns a negative number when `end` is before `start`. Raises ValueError for naive
    datetimes.
    """
    _require_aware(start)
    _require_aware(end)
    if end < start:
        return -working_hours_between(end, start, tz)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start_utc.astimezone(tz).date()
    last_day = end_utc.astimezone(tz).date()
    total = timedelta(0)
    while day <= last_day:
        if is_working_day(day):
            span_start = max(start_utc, _day_start(day, tz))
            span_end = min(end_utc, _day_start(day + timedelta(days=1), tz))
            if span_end > span_start:
                total += span_end - span_start
        day += timedelta(days=1)
    return total / HOUR


def add_working_hours(start: datetime, hours: float, tz: ZoneInfo) -> datetime:
    """The earliest instant at which `hours` working hours have passed since `start`.

    Returns an aware datetime in `tz`. Raises ValueError for a naive `start` or negative
    `hours`.
    """
    _require_aware(start)
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    if not remaining:
        return start.astimezone(tz)
    current = start.astimezone(UTC)
    day = current.astimezone(tz).date()
    while True:
        day_end = _day_start(day + timedelta(days=1), tz)
        if is_working_day(day):
            available = day_end - current
            if remaining <= available:
                return (current + remaining).astimezone(tz)
            remaining -= available
        current = day_end
        day += timedelta(days=1)


def working_days_between(start: datetime, end: datetime, tz: ZoneInfo) -> float:
    """Working time between two instants in 24-hour working days (see working_hours_between)."""
    return working_hours_between(start, end, tz) / 24


def add_working_days(start: datetime, days: float, tz: ZoneInfo) -> datetime:
    """The instant `days` working days (of 24 working hours) after `start`, in `tz`."""
    return add_working_hours(start, days * 24, tz)
