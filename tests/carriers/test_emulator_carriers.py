"""Every adapter over real HTTP against the emulator: each scenario, tokens, not found."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from carriers import ErrorKind, TrackingStatus, detect
from carriers.emulator import make_tracking_number
from tests.carriers.helpers import START, at_hours, request_counts, set_fault, track_at

S = TrackingStatus
CARRIERS = ("ups", "fedex", "usps", "dhl", "easypost")
ROUTES = {  # (token path, tracking path) as the emulator's stats name them
    "ups": ("/security/v1/oauth/token", "/api/track/v1/details/<inquiry_number>"),
    "fedex": ("/oauth/token", "/track/v1/trackingnumbers"),
    "usps": ("/oauth2/v3/token", "/tracking/v3/tracking/<tracking_number>"),
    "dhl": (None, "/track/shipments"),
    "easypost": (None, "/v2/trackers"),
}


# (scenario, hours, status, carrier_delay); EasyPost overrides below.
STORY = [
    ("normal", 0, S.PRE_TRANSIT, None),
    ("normal", 6, S.IN_TRANSIT, None),
    ("normal", 61, S.IN_TRANSIT, None),
    ("normal", 64, S.OUT_FOR_DELIVERY, None),
    ("normal", 68, S.DELIVERED, None),
    ("late", 74, S.IN_TRANSIT, None),
    ("late", 81, S.IN_TRANSIT, "Running late"),
    ("late", 96, S.DELIVERED, None),
    ("rescheduled", 31, S.IN_TRANSIT, "Mechanical delay"),
    ("exception_recovery", 50, S.EXCEPTION, "Weather delay"),
    ("exception_recovery", 65, S.IN_TRANSIT, None),
    ("exception_recovery", 81, S.DELIVERED, None),
    ("failed_attempt_pickup", 68, S.ATTEMPT_FAILED, None),
    ("failed_attempt_pickup", 88, S.OUT_FOR_DELIVERY, None),
    ("failed_attempt_pickup", 92, S.ATTEMPT_FAILED, None),
    ("failed_attempt_pickup", 100, S.AVAILABLE_FOR_PICKUP, None),
    ("failed_attempt_pickup", 141, S.DELIVERED, None),
    ("stale", 500, S.IN_TRANSIT, None),
    ("returned", 68, S.ATTEMPT_FAILED, None),
    ("returned", 73, S.RETURNED, None),
    ("returned", 131, S.RETURNED, None),
    ("voided", 1, S.PRE_TRANSIT, None),
    ("voided", 4, S.CANCELLED, None),
]
# EasyPost reports weather as a delay of a moving parcel, not as an exception.
# USPS words any late parcel "In Transit, Arriving Late", whatever the cause.
OVERRIDES = {
    ("easypost", "exception_recovery", 50): (S.IN_TRANSIT, "Weather delay"),
    ("usps", "rescheduled", 31): (S.IN_TRANSIT, "Running late"),
}


@pytest.mark.parametrize("code", CARRIERS)
@pytest.mark.parametrize(("scenario", "hours", "status", "delay"), STORY)
def test_scenarios_progress_with_the_clock(make_carrier, code, scenario, hours, status, delay):
    status, delay = OVERRIDES.get((code, scenario, hours), (status, delay))
    result = track_at(make_carrier(code), scenario, hours)

    assert result.ok, result.error
    assert (result.status, result.carrier_delay) == (status, delay)
    assert result.events[0].status is status
    assert all(e.occurred_at.utcoffset() is not None for e in result.events)


@pytest.mark.parametrize("code", CARRIERS)
def test_delivered_has_signature_time_and_local_offsets(make_carrier, code):
    result = track_at(make_carrier(code), "normal", 68)

    assert result.status is S.DELIVERED
    assert result.signed_by == "MORALES"
    assert result.estimated_delivery is None
    assert result.delivered_at == START + timedelta(hours=67 / 60)
    assert len(result.events) == 12
    if code != "easypost":  # EasyPost gives UTC times; the others the scan's own offset
        assert result.delivered_at.utcoffset() == timedelta(hours=-5)
        assert result.events[-2].occurred_at.utcoffset() == timedelta(hours=-8)  # Reno pickup
    assert result.events[-2].location.city.lower() == "reno"


@pytest.mark.parametrize("code", ["ups", "fedex", "usps", "dhl"])
def test_out_for_delivery_has_a_window_on_the_estimated_date(make_carrier, code):
    result = track_at(make_carrier(code), "normal", 64)
    estimate = result.estimated_delivery

    assert estimate.date == date(2026, 3, 2)
    assert estimate.window_start.utcoffset() == timedelta(hours=-5)
    assert estimate.window_start < result.events[0].occurred_at < estimate.window_end


@pytest.mark.parametrize("code", CARRIERS)
def test_late_gets_a_later_estimate_once_rescheduled(make_carrier, code):
    carrier = make_carrier(code)
    before, after = track_at(carrier, "late", 74), track_at(carrier, "late", 81)

    assert before.estimated_delivery.date == date(2026, 3, 2)
    assert after.estimated_delivery.date == date(2026, 3, 3)


@pytest.mark.parametrize("code", CARRIERS)
@pytest.mark.parametrize("hours", [0, 500])
def test_never_found_is_not_found(make_carrier, code, hours):
    assert track_at(make_carrier(code), "never_found", hours).error.kind is ErrorKind.NOT_FOUND


@pytest.mark.parametrize("code", CARRIERS)
def test_real_and_future_numbers_are_not_found(make_carrier, code):
    real = {
        "ups": "1Z999AA10123456784",
        "fedex": "986578788855",
        "usps": "9400100000000000000006",
        "dhl": "3318810025",
        "easypost": "EA123456785US",
    }[code]
    future = make_tracking_number(code, "normal", START + timedelta(days=1), 0)
    with at_hours(1):
        results = make_carrier(code).track([real, future])
    assert [r.error.kind for r in results] == [ErrorKind.NOT_FOUND] * 2


@pytest.mark.parametrize("code", ["ups", "fedex", "usps"])
def test_one_token_serves_many_calls_and_an_expired_one_is_refreshed_once(
    make_carrier, emulator, code
):
    carrier = make_carrier(code)
    numbers = [make_tracking_number(code, "normal", START, seq) for seq in range(3)]
    token_path, track_path = ROUTES[code]
    with at_hours(10):
        assert all(r.status is S.IN_TRANSIT for r in carrier.track(numbers))
        calls = request_counts(emulator)[track_path]
        set_fault(emulator, mode="expire_tokens")
        [again] = carrier.track(numbers[:1])

    assert again.ok
    assert request_counts(emulator) == {token_path: 2, track_path: calls + 2}  # one 401, one retry


@pytest.mark.parametrize("code", ["dhl", "easypost"])
def test_api_key_carriers_refuse_a_missing_key(emulator, code):
    answer = requests.get(f"{emulator.url}{ROUTES[code][1]}", timeout=5)
    assert answer.status_code == 401


@pytest.mark.parametrize("code", CARRIERS)
def test_missing_credentials_are_an_auth_failure_without_a_request(emulator, code):
    from carriers import get_carrier

    carrier = get_carrier(code, {"base_url": emulator.url, "client_id": "demo"})
    [result] = carrier.track([make_tracking_number(code, "normal", START, 0)])
    assert result.error.kind is ErrorKind.AUTH
    assert request_counts(emulator) == {}


def test_easypost_creates_a_tracker_once_then_reads_it(make_carrier, emulator):
    easypost = make_carrier("easypost")
    number = make_tracking_number("easypost", "normal", START, 0)
    with at_hours(10):
        first = easypost.track([number])[0]
        second = easypost.track([number])[0]
        counted = request_counts(emulator)
        listed = requests.get(
            f"{emulator.url}/v2/trackers",
            params={"tracking_code": number},
            auth=("k", ""),
            timeout=5,
        ).json()["trackers"]
        by_id = requests.get(
            f"{emulator.url}/v2/trackers/{listed[0]['id']}", auth=("k", ""), timeout=5
        ).json()

    assert first.status is second.status is S.IN_TRANSIT
    assert counted == {"/v2/trackers": 3}  # GET + POST (create), then one GET
    assert by_id["tracking_code"] == number and by_id["carrier"] == "USPS"


def test_easypost_tracks_other_carriers_emulator_numbers(make_carrier):
    number = make_tracking_number("ups", "normal", START, 3)
    with at_hours(68):
        [result] = make_carrier("easypost").track([number])
    assert result.status is S.DELIVERED and result.signed_by == "MORALES"


@pytest.mark.parametrize("code", CARRIERS)
def test_admin_index_lists_example_numbers_that_detect_as_their_carrier(emulator, code):
    index = requests.get(f"{emulator.url}/_emulator/", timeout=5).json()
    example = index["scenarios"]["normal"][f"example_{code}"]
    assert detect(example)[0].carrier == ("usps" if code == "easypost" else code)
