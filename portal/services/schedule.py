"""When a shipment is next polled, by status (SPEC §7)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from carriers.status import TrackingStatus
from portal.models import Shipment

JITTER = 0.10
FINAL_POLL_DELAY = timedelta(hours=6)
RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)

INTERVALS = {
    TrackingStatus.PRE_TRANSIT: timedelta(hours=6),
    TrackingStatus.IN_TRANSIT: timedelta(hours=3),
    TrackingStatus.OUT_FOR_DELIVERY: timedelta(minutes=30),
    TrackingStatus.ATTEMPT_FAILED: timedelta(minutes=30),
    TrackingStatus.AVAILABLE_FOR_PICKUP: timedelta(hours=1),
    TrackingStatus.EXCEPTION: timedelta(hours=1),
    TrackingStatus.RETURNED: timedelta(hours=12),
}


def _jittered(interval: timedelta) -> timedelta:
    return interval * random.uniform(1 - JITTER, 1 + JITTER)


def next_poll_time(shipment: Shipment, now: datetime) -> datetime | None:
    """The next time to poll this shipment, or None when polling has stopped."""
    status = TrackingStatus(shipment.status)
    if status == TrackingStatus.EXPIRED:
        return None
    if status in (TrackingStatus.DELIVERED, TrackingStatus.CANCELLED):
        # One last poll after a final status catches late corrections, then stop.
        changed = shipment.status_changed_at or now
        if now - changed >= FINAL_POLL_DELAY:
            return None
        return changed + FINAL_POLL_DELAY
    if status == TrackingStatus.UNKNOWN:
        young = now - shipment.created_at < timedelta(days=1)
        return now + _jittered(timedelta(hours=1) if young else timedelta(hours=6))
    interval = INTERVALS[status]
    promised = shipment.promised_date
    if promised is not None and promised <= now.date():
        interval = min(interval, timedelta(hours=1))
    return now + _jittered(interval)


def retry_time(failures: int, now: datetime, retry_after: float | None = None) -> datetime:
    """Back off after a carrier error: exponential in failures, capped, at least Retry-After."""
    delay = min(RETRY_BASE * (2 ** max(failures - 1, 0)), RETRY_CAP)
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + _jittered(delay)
