"""The UPS adapter over real HTTP against the emulator: every scenario, tokens, faults."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import time_machine

from carriers import ErrorKind, TrackingStatus, get_carrier
from carriers.emulator import make_tracking_number
from tests.carriers.helpers import START, at_hours, request_counts, set_fault, track_at

S = TrackingStatus
TRACK = "/api/track/v1/details/<inquiry_number>"
TOKEN = "/security/v1/oauth/token"


@pytest.mark.parametrize(
    ("scenario", "hours", "status", "code"),
    [
        ("normal", 0, S.PRE_TRANSIT, "MP"),
        ("normal", 6, S.IN_TRANSIT, "PU"),
        ("normal", 61, S.IN_TRANSIT, "DS"),
        ("normal", 64, S.OUT_FOR_DELIVERY, "OT"),
        ("late", 74, S.IN_TRANSIT, "AR"),
        ("late", 93, S.OUT_FOR_DELIVERY, "OT"),
        ("late", 96, S.DELIVERED, "FS"),
        ("rescheduled", 31, S.IN_TRANSIT, "UP"),
        ("exception_recovery", 50, S.EXCEPTION, "WX"),
        ("exception_recovery", 65, S.IN_TRANSIT, "DP"),
        ("exception_recovery", 81, S.DELIVERED, "FS"),
        ("failed_attempt_pickup", 68, S.ATTEMPT_FAILED, "DA"),
        ("failed_attempt_pickup", 88, S.OUT_FOR_DELIVERY, "OT"),
        ("failed_attempt_pickup", 92, S.ATTEMPT_FAILED, "DA"),
        ("failed_attempt_pickup", 100, S.AVAILABLE_FOR_PICKUP, "KB"),
        ("failed_attempt_pickup", 141, S.DELIVERED, "FS"),
        ("stale", 45, S.IN_TRANSIT, "AR"),
        ("stale", 500, S.IN_TRANSIT, "AR"),
        ("returned", 68, S.ATTEMPT_FAILED, "DA"),
        ("returned", 73, S.RETURNED, "RS"),
        ("returned", 131, S.RETURNED, "RS"),
        ("voided", 1, S.PRE_TRANSIT, "MP"),
        ("voided", 4, S.CANCELLED, "MV"),
    ],
)
def test_scenarios_progress_with_the_clock(ups, scenario, hours, status, code):
    result = track_at(ups, scenario, hours)

    assert result.ok, result.error
    assert (result.status, result.carrier_status_code) == (status, code)
    assert result.events[0].status is status
    assert all(e.occurred_at.utcoffset() is not None for e in result.events)


def test_normal_ends_delivered_with_signature_and_local_offsets(ups):
    result = track_at(ups, "normal", 68)

    assert result.status is S.DELIVERED
    assert result.signed_by == "MORALES"
    assert result.delivery_location == "Front Door"
    assert result.estimated_delivery is None
    assert result.delivered_at == START + timedelta(hours=67 / 60)
    assert result.delivered_at.utcoffset() == timedelta(hours=-5)  # Columbus, OH in March
    assert result.service == "UPS Ground"
    assert result.piece_count == 1
    assert len(result.events) == 12
    reno = result.events[-2]  # pickup
    assert (reno.location.city, reno.location.region, reno.location.postal_code) == (
        "Reno",
        "NV",
        "89502",
    )
    assert reno.occurred_at.utcoffset() == timedelta(hours=-8)
    hodgkins = next(e for e in result.events if e.location.city == "Hodgkins")
    assert hodgkins.occurred_at.utcoffset() == timedelta(hours=-6)


def test_offsets_follow_daylight_saving(ups):
    july = datetime(2026, 7, 1, 15, 0, tzinfo=UTC)
    number = make_tracking_number("ups", "normal", july, 1)
    with time_machine.travel(july + timedelta(hours=2), tick=False):
        [result] = ups.track([number])
    assert result.delivered_at.utcoffset() == timedelta(hours=-4)
    assert result.events[-2].occurred_at.utcoffset() == timedelta(hours=-7)


def test_out_for_delivery_has_a_window_on_the_estimated_date(ups):
    result = track_at(ups, "normal", 64)
    estimate = result.estimated_delivery

    assert estimate.date == date(2026, 3, 2)
    assert estimate.window_start.utcoffset() == timedelta(hours=-5)
    assert estimate.window_start < result.events[0].occurred_at < estimate.window_end


def test_late_gets_a_rescheduled_date_only_after_the_promise_passed(ups):
    before = track_at(ups, "late", 74)
    after = track_at(ups, "late", 81)

    assert before.estimated_delivery.date == date(2026, 3, 2)
    assert after.estimated_delivery.date == date(2026, 3, 3)


def test_rescheduled_moves_the_estimate_early_in_the_journey(ups):
    before = track_at(ups, "rescheduled", 25)
    after = track_at(ups, "rescheduled", 31)

    assert after.estimated_delivery.date > before.estimated_delivery.date


def test_stale_scans_stop_at_the_hub(ups):
    result = track_at(ups, "stale", 500)

    assert len(result.events) == 7
    assert result.events[0].location.city == "Hodgkins"
    assert result.estimated_delivery.date == date(2026, 3, 2)


@pytest.mark.parametrize("hours", [0, 50, 500])
def test_never_found_is_not_found(ups, hours):
    result = track_at(ups, "never_found", hours)
    assert result.error.kind is ErrorKind.NOT_FOUND


def test_unknown_and_future_numbers_are_not_found(ups):
    future = make_tracking_number("ups", "normal", START + timedelta(days=1), 0)
    with at_hours(1):
        results = ups.track(["1Z999AA10123456784", future])
    assert [r.error.kind for r in results] == [ErrorKind.NOT_FOUND] * 2


def test_malformed_number_is_invalid(ups):
    [result] = ups.track(["1Z-BAD!"])
    assert result.error.kind is ErrorKind.INVALID


def test_one_token_serves_many_track_calls(ups, emulator):
    numbers = [make_tracking_number("ups", "normal", START, seq) for seq in range(5)]
    with at_hours(10):
        results = ups.track(numbers)
        ups.track(numbers[:2])

    assert all(r.status is S.IN_TRANSIT for r in results)
    assert request_counts(emulator) == {TOKEN: 1, TRACK: 7}


def test_expired_token_is_refreshed_once_and_the_call_retried(ups, emulator):
    number = make_tracking_number("ups", "normal", START, 0)
    with at_hours(10):
        assert ups.track([number])[0].ok
        set_fault(emulator, mode="expire_tokens")
        [result] = ups.track([number])

    assert result.ok
    assert request_counts(emulator) == {TOKEN: 2, TRACK: 3}


def test_track_without_a_valid_token_gets_401_in_ups_shape(emulator):
    number = make_tracking_number("ups", "normal", START, 0)
    answer = requests.get(
        f"{emulator.url}/api/track/v1/details/{number}",
        headers={"Authorization": "Bearer nope"},
        timeout=5,
    )
    assert answer.status_code == 401
    assert answer.json()["response"]["errors"][0]["code"] == "250002"


def test_token_endpoint_requires_basic_auth(emulator):
    url = f"{emulator.url}/security/v1/oauth/token"
    refused = requests.post(url, data={"grant_type": "client_credentials"}, timeout=5)
    granted = requests.post(
        url, data={"grant_type": "client_credentials"}, auth=("demo", "demo"), timeout=5
    )
    assert refused.status_code == 401
    assert granted.json()["expires_in"] == "14399"


def test_missing_credentials_are_an_auth_failure_without_a_request(emulator):
    ups = get_carrier("ups", {"base_url": emulator.url, "client_id": "demo"})
    [result] = ups.track([make_tracking_number("ups", "normal", START, 0)])
    assert result.error.kind is ErrorKind.AUTH
    assert request_counts(emulator) == {}


def test_per_number_500_is_temporary_after_bounded_retries(ups, emulator, sleeps):
    number = make_tracking_number("ups", "fault_500", START, 0)
    with at_hours(10):
        [result] = ups.track([number])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert request_counts(emulator)[TRACK] == 3
    assert len(sleeps) == 2 and all(0 < s <= 4.0 for s in sleeps)


def test_per_number_429_is_rate_limited_with_retry_after(ups, sleeps):
    with at_hours(10):
        [result] = ups.track([make_tracking_number("ups", "fault_429", START, 0)])

    assert result.error.kind is ErrorKind.RATE_LIMITED
    assert result.error.retry_after == 30.0
    assert sleeps == []


def test_per_number_malformed_json_is_a_parse_error(ups):
    with at_hours(10):
        [result] = ups.track([make_tracking_number("ups", "fault_malformed", START, 0)])
    assert result.error.kind is ErrorKind.PARSE


def test_concurrent_tracking_shares_one_token(ups, emulator):
    numbers = [make_tracking_number("ups", "normal", START, seq) for seq in range(40)]
    with at_hours(10), ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda n: ups.track([n])[0], numbers))

    assert all(r.status is S.IN_TRANSIT for r in results)
    assert request_counts(emulator) == {TOKEN: 1, TRACK: 40}


def test_admin_index_lists_scenarios_with_example_numbers(emulator):
    index = requests.get(f"{emulator.url}/_emulator/", timeout=5).json()
    assert index["speed"] == 60
    assert index["scenarios"]["normal"]["example_ups"].startswith("1ZPLDEMO")
    assert index["scenarios"]["fault_500"]["example_ups"].startswith("1ZPLFALT")
