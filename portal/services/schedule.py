"""When a shipment is next polled, and when polling gives up (SPEC §7); merchants may tune both."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from carriers.status import TrackingStatus
from portal.models import Shipment

JITTER = 0.10
RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)
# Carriers that ask for a per-shipment cap: DHL wants at most 10 fetches a day.
MIN_INTERVAL_BY_CARRIER = {"dhl": timedelta(hours=24) / 10}

DEFAULT_INTERVAL_HOURS: dict[str, float] = {
    TrackingStatus.UNKNOWN: 1.0,  # for the first day; then unknown_later_hours
    TrackingStatus.PRE_TRANSIT: 6.0,
    TrackingStatus.IN_TRANSIT: 3.0,
    TrackingStatus.OUT_FOR_DELIVERY: 0.5,
    TrackingStatus.ATTEMPT_FAILED: 0.5,
    TrackingStatus.AVAILABLE_FOR_PICKUP: 1.0,
    TrackingStatus.EXCEPTION: 1.0,
    TrackingStatus.RETURNED: 12.0,
}


@dataclass(frozen=True)
class PollSettings:
    """A merchant's polling intervals and expiry thresholds (SPEC §7 defaults)."""

    interval_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_INTERVAL_HOURS))
    unknown_later_hours: float = 6.0
    due_today_max_hours: float = 1.0
    final_poll_after_hours: float = 6.0
    unknown_expiry_days: float = 7.0
    silent_expiry_days: float = 30.0

    @classmethod
    def from_merchant(cls, settings: dict[str, Any] | None) -> PollSettings:
        """Defaults overridden by merchant.settings["polling"]; bad values are ignored."""
        raw = (settings or {}).get("polling") or {}
        result = cls()
        intervals = dict(result.interval_hours)
        for status, hours in (raw.get("interval_hours") or {}).items():
            if status in intervals and _positive(hours):
                intervals[status] = float(hours)
        overrides = {
            name: float(raw[name])
            for name in (
                "unknown_later_hours",
                "due_today_max_hours",
                "final_poll_after_hours",
                "unknown_expiry_days",
                "silent_expiry_days",
            )
            if _positive(raw.get(name))
        }
        return replace(result, interval_hours=intervals, **overrides)


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _jittered(interval: timedelta) -> timedelta:
    return interval * random.uniform(1 - JITTER, 1 + JITTER)


def should_expire(shipment: Shipment, now: datetime, settings: PollSettings) -> bool:
    """Unknown for too long, or no new carrier event for too long: stop polling (SPEC §7)."""
    status = TrackingStatus(shipment.status)
    if status in (TrackingStatus.DELIVERED, TrackingStatus.CANCELLED, TrackingStatus.EXPIRED):
        return False
    if status == TrackingStatus.UNKNOWN and shipment.last_event_at is None:
        return now - shipment.created_at >= timedelta(days=settings.unknown_expiry_days)
    last_news = shipment.last_event_at or shipment.created_at
    return now - last_news >= timedelta(days=settings.silent_expiry_days)


def next_poll_time(
    shipment: Shipment, now: datetime, settings: PollSettings | None = None
) -> datetime | None:
    """The next time to poll this shipment, or None when polling has stopped."""
    settings = settings or PollSettings()
    status = TrackingStatus(shipment.status)
    if status == TrackingStatus.EXPIRED:
        return None
    if status in (TrackingStatus.DELIVERED, TrackingStatus.CANCELLED):
        # One last poll after a final status catches late corrections, then stop.
        changed = shipment.status_changed_at or now
        final_poll = changed + timedelta(hours=settings.final_poll_after_hours)
        return None if now >= final_poll else final_poll
    hours = settings.interval_hours[status]
    if status == TrackingStatus.UNKNOWN and now - shipment.created_at >= timedelta(days=1):
        hours = settings.unknown_later_hours
    promised = shipment.promised_date
    if promised is not None and promised <= now.date():
        hours = min(hours, settings.due_today_max_hours)
    interval = _jittered(timedelta(hours=hours))
    interval = max(interval, MIN_INTERVAL_BY_CARRIER.get(shipment.carrier, timedelta(0)))
    return now + interval


def retry_time(failures: int, now: datetime, retry_after: float | None = None) -> datetime:
    """Back off after a carrier error: exponential in failures, capped, at least Retry-After."""
    delay = min(RETRY_BASE * (2 ** max(failures - 1, 0)), RETRY_CAP)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + _jittered(delay)
