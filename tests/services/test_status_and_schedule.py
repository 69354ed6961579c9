"""Status follows SPEC §6's ranks; the poll schedule follows SPEC §7's table."""

from datetime import UTC, date, datetime, timedelta

import pytest

from carriers.status import TrackingStatus as S
from portal.models import Shipment
from portal.services.schedule import next_poll_time, retry_time
from portal.services.tracking import resolve_status

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "reported", "expected"),
    [
        (S.UNKNOWN, S.PRE_TRANSIT, S.PRE_TRANSIT),
        (S.PRE_TRANSIT, S.DELIVERED, S.DELIVERED),  # carriers may skip states
        (S.OUT_FOR_DELIVERY, S.IN_TRANSIT, S.OUT_FOR_DELIVERY),  # never down a rank
        (S.IN_TRANSIT, S.UNKNOWN, S.IN_TRANSIT),
        (S.IN_TRANSIT, S.EXCEPTION, S.EXCEPTION),
        (S.EXCEPTION, S.IN_TRANSIT, S.IN_TRANSIT),  # recovery
        (S.ATTEMPT_FAILED, S.AVAILABLE_FOR_PICKUP, S.AVAILABLE_FOR_PICKUP),
        (S.DELIVERED, S.IN_TRANSIT, S.DELIVERED),
        (S.DELIVERED, S.EXCEPTION, S.DELIVERED),
        (S.DELIVERED, S.RETURNED, S.RETURNED),  # delivered is left only for returned
        (S.IN_TRANSIT, S.CANCELLED, S.CANCELLED),
        (S.RETURNED, S.DELIVERED, S.DELIVERED),  # delivered back to the sender
    ],
)
def test_resolve_status(current, reported, expected):
    assert resolve_status(current, reported) == expected


def shipment(status: S, **fields) -> Shipment:
    defaults = {"created_at": NOW - timedelta(days=2), "status_changed_at": NOW}
    return Shipment(status=status.value, **{**defaults, **fields})


@pytest.mark.parametrize(
    ("status", "hours"),
    [
        (S.PRE_TRANSIT, 6),
        (S.IN_TRANSIT, 3),
        (S.OUT_FOR_DELIVERY, 0.5),
        (S.ATTEMPT_FAILED, 0.5),
        (S.AVAILABLE_FOR_PICKUP, 1),
        (S.EXCEPTION, 1),
        (S.RETURNED, 12),
    ],
)
def test_interval_by_status_with_ten_percent_jitter(status, hours):
    for _ in range(20):
        delay = next_poll_time(shipment(status), NOW) - NOW
        assert timedelta(hours=hours * 0.9) <= delay <= timedelta(hours=hours * 1.1)


def test_unknown_is_hourly_on_the_first_day_then_six_hourly():
    young = shipment(S.UNKNOWN, created_at=NOW - timedelta(hours=3))
    old = shipment(S.UNKNOWN, created_at=NOW - timedelta(days=2))
    assert next_poll_time(young, NOW) - NOW <= timedelta(hours=1.1)
    assert next_poll_time(old, NOW) - NOW >= timedelta(hours=5.4)


def test_estimate_today_is_polled_at_least_hourly():
    due_today = shipment(S.IN_TRANSIT, promised_date=date(2026, 11, 24))
    assert next_poll_time(due_today, NOW) - NOW <= timedelta(hours=1.1)


def test_final_statuses_get_one_last_poll_after_six_hours_then_stop():
    delivered = shipment(S.DELIVERED, status_changed_at=NOW)
    assert next_poll_time(delivered, NOW) == NOW + timedelta(hours=6)
    assert next_poll_time(delivered, NOW + timedelta(hours=6)) is None
    assert next_poll_time(shipment(S.EXPIRED), NOW) is None


def test_retry_backs_off_exponentially_and_honours_retry_after():
    first = retry_time(1, NOW) - NOW
    fourth = retry_time(4, NOW) - NOW
    assert timedelta(minutes=4.5) <= first <= timedelta(minutes=5.5)
    assert timedelta(minutes=36) <= fourth <= timedelta(minutes=44)
    assert retry_time(30, NOW) - NOW <= timedelta(hours=6.6)
    assert retry_time(1, NOW, retry_after=3600) - NOW >= timedelta(minutes=54)
