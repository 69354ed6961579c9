"""Properties: every adapter survives any JSON; emulator numbers round-trip and detect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers import TrackingResult, TrackingStatus, detect, get_carrier
from carriers.emulator.scenarios import SCENARIOS, decode_tracking_number, make_tracking_number
from tests.carriers.helpers import json_values, parser_warnings_off

NUMBER = "794843185271"
ADAPTERS = {
    code: get_carrier(code, {"client_id": "x", "client_secret": "y", "api_key": "k"})
    for code in ("ups", "fedex", "usps", "dhl", "easypost")
}
# Keys and values the carriers use, mixed with arbitrary ones, so generated payloads reach
# deep into each parser instead of failing at the first lookup.
KEYS = st.sampled_from(
    [
        "output", "completeTrackResults", "trackResults", "trackingNumber", "latestStatusDetail",
        "code", "derivedCode", "description", "scanEvents", "date", "eventType",
        "derivedStatusCode", "exceptionDescription", "scanLocation", "city", "dateAndTimes",
        "type", "dateTime", "estimatedDeliveryTimeWindow", "window", "begins", "ends",
        "deliveryDetails", "signedByName", "error", "errors", "message", "delayDetail", "status",
        "statusCategory", "trackingEvents", "eventCode", "GMTTimestamp", "GMTOffset",
        "eventTimestamp", "mailClass", "predictedDeliveryDate", "predictedDeliveryWindowStartTime",
        "shipments", "id", "timestamp", "statusCode", "remark", "events", "location", "address",
        "estimatedTimeOfDelivery", "estimatedDeliveryTimeFrame", "estimatedFrom", "details",
        "proofOfDelivery", "signed", "name", "trackers", "object", "tracking_code",
        "status_detail", "tracking_details", "datetime", "carrier_detail",
        "est_delivery_date_local", "updated_at", "title", "detail",
    ]
)  # fmt: skip
VALUES = st.sampled_from(
    [
        NUMBER, "Tracker", "DL", "DE", "OD", "CA", "RS", "DY", "ZZ", "01", "GX", "OF", "Alert",
        "Delivered", "In Transit", "transit", "failure", "delivered", "pre-transit",
        "return_to_sender", "cancelled", "weather_delay", "TRACKING.TRACKINGNUMBER.NOTFOUND",
        "2026-01-12T14:32:12-05:00", "2026-01-12T14:32:12", "2026-01-12", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-12:00", "-05:00", "+14:00", "Z", "10:15 am", "13:00", "99:99",
        "<b>x</b>&amp;", "true", "ESTIMATED_DELIVERY", "ACTUAL_DELIVERY", "DELAYED",
    ]
)  # fmt: skip
JSON = json_values(KEYS, VALUES)
# Where each carrier keeps one number's answer, so generated objects land there too.
NESTS = {
    "ups": lambda o: {"trackResponse": {"shipment": [{"inquiryNumber": NUMBER, "package": [o]}]}},
    "fedex": lambda o: {
        "output": {"completeTrackResults": [{"trackingNumber": NUMBER, "trackResults": [o, o]}]}
    },
    "usps": lambda o: o,
    "dhl": lambda o: {"shipments": [o]},
    "easypost": lambda o: (
        {"trackers": [{**o, "tracking_code": NUMBER}]} if isinstance(o, dict) else o
    ),
}


def check(results: list[TrackingResult]) -> None:
    assert [r.tracking_number for r in results] == [NUMBER]
    for result in results:
        assert result.status in TrackingStatus
        assert result.carrier_delay is None or isinstance(result.carrier_delay, str)
        for event in result.events:
            assert event.status in TrackingStatus
            assert event.occurred_at.tzinfo is not None
            assert len(event.key) == 40


@pytest.mark.parametrize("code", sorted(ADAPTERS))
@settings(max_examples=120, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=JSON)
def test_parse_response_never_raises_on_any_json(code, payload):
    adapter = ADAPTERS[code]
    with parser_warnings_off():
        check(adapter.parse_response(payload, [NUMBER]))
        check(adapter.parse_response(NESTS[code](payload), [NUMBER]))
        check(adapter.parse_error(503, payload, [NUMBER]))


@pytest.mark.parametrize("code", sorted(ADAPTERS))
@settings(max_examples=80, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=st.dictionaries(KEYS, JSON, max_size=8))
def test_carrier_shaped_objects_never_raise(code, shape):
    with parser_warnings_off():
        check(ADAPTERS[code].parse_response(NESTS[code](shape), [NUMBER]))


# DHL's ten digits keep start minutes modulo 10^5 (~69 days): decode within half of that.
LATER = {"dhl": timedelta(days=34)}


@pytest.mark.parametrize("carrier", ["ups", "fedex", "usps", "dhl", "easypost"])
@settings(max_examples=60, database=None)
@given(
    scenario=st.sampled_from(sorted(SCENARIOS)),
    started_at=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
    ),
    seq=st.integers(0, 99),
    fraction=st.floats(0, 1),
)
def test_emulator_numbers_round_trip_and_detect_as_their_carrier(
    carrier, scenario, started_at, seq, fraction
):
    started_at = started_at.replace(second=0, microsecond=0)
    number = make_tracking_number(carrier, scenario, started_at, seq)
    later = LATER.get(carrier, timedelta(days=300)) * fraction

    assert decode_tracking_number(carrier, number, now=started_at + later) == (
        scenario,
        started_at,
        seq,
    )
    expected = "usps" if carrier == "easypost" else carrier  # EasyPost numbers are USPS's
    assert detect(number)[0].carrier == expected
    assert detect(number)[0].number == number
