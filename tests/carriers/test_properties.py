"""Properties: the UPS parser survives any JSON; emulator numbers round-trip and check out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers import TrackingResult, TrackingStatus, get_carrier
from carriers.emulator.numbers import ups_check_digit_ok
from carriers.emulator.scenarios import SCENARIOS, decode_tracking_number, make_tracking_number
from tests.carriers.helpers import json_values, parser_warnings_off

UPS = get_carrier("ups", {"client_id": "x", "client_secret": "y"})
NUMBER = "1Z5R89390357567127"
# Keys and values UPS uses, mixed with arbitrary ones, so generated payloads reach deep
# into the parser instead of failing at the first lookup.
UPS_KEYS = st.sampled_from(
    [
        "trackResponse", "shipment", "package", "inquiryNumber", "trackingNumber", "warnings",
        "activity", "status", "type", "code", "description", "date", "time", "gmtDate",
        "gmtTime", "gmtOffset", "location", "address", "city", "stateProvince", "postalCode",
        "countryCode", "currentStatus", "deliveryDate", "deliveryTime", "startTime", "endTime",
        "deliveryInformation", "receivedBy", "service", "packageCount", "packageAddress",
        "response", "errors", "message",
    ]
)  # fmt: skip
UPS_VALUES = st.sampled_from(
    [
        NUMBER, "M", "MV", "P", "I", "X", "D", "RS", "NA", "DO", "DD", "W", "OT", "KB", "FS",
        "SDD", "RDD", "DEL", "EDW", "CMT", "EOD", "DESTINATION", "TW0001", "TV1002",
        "20260101", "00010101", "99991231", "20261340", "235959", "12:00:00", "-05:00",
        "+14:00", "-23:59", "99:99", "3", "999999999",
    ]
)  # fmt: skip
JSON = json_values(UPS_KEYS, UPS_VALUES)


def check(results: list[TrackingResult]) -> None:
    assert [r.tracking_number for r in results] == [NUMBER]
    for result in results:
        assert result.status in TrackingStatus
        assert all(event.status in TrackingStatus for event in result.events)
        assert all(event.occurred_at.tzinfo is not None for event in result.events)
        assert all(len(event.key) == 40 for event in result.events)


@settings(max_examples=200, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_parse_response_never_raises_on_any_json(payload):
    with parser_warnings_off():
        check(UPS.parse_response(payload, [NUMBER]))
        check(UPS.parse_error(500, payload, [NUMBER]))


@settings(max_examples=150, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(UPS_KEYS, JSON, max_size=8))
def test_parse_package_shapes_never_raise(package):
    payload = {"trackResponse": {"shipment": [{"inquiryNumber": NUMBER, "package": [package]}]}}
    with parser_warnings_off():
        check(UPS.parse_response(payload, [NUMBER]))


@settings(database=None)
@given(
    scenario=st.sampled_from(sorted(SCENARIOS)),
    started_at=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
    ),
    seq=st.integers(0, 99),
    later=st.timedeltas(timedelta(0), timedelta(days=300)),
)
def test_tracking_numbers_round_trip_and_pass_the_1z_check_digit(scenario, started_at, seq, later):
    started_at = started_at.replace(second=0, microsecond=0)
    number = make_tracking_number("ups", scenario, started_at, seq)

    assert len(number) == 18 and number.startswith("1Z")
    assert ups_check_digit_ok(number)
    assert decode_tracking_number("ups", number, now=started_at + later) == (
        scenario,
        started_at,
        seq,
    )
