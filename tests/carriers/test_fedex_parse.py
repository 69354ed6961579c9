"""FedEx request building and parsing, from recorded answers in tests/fixtures/carriers/fedex."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import pytest

from carriers import ErrorKind, EstimatedDelivery, Location, TrackingStatus, get_carrier
from carriers.fedex_parse import STATUS_CODES, map_status
from tests.carriers.helpers import ERROR_ANSWERS, parse_recorded_error

S = TrackingStatus
EST, CST, PST = (timezone(timedelta(hours=h)) for h in (-5, -6, -8))
N = "794843185271"
BROOKLYN = Location("BROOKLYN", "NY", "11201", "US")
MEMPHIS = Location("MEMPHIS", "TN", "38118", "US")


@pytest.fixture
def fedex():
    return get_carrier("fedex", {"client_id": "demo", "client_secret": "s3cret"})


def parse(fedex, recorded, case, number=N):
    [result] = fedex.parse_response(recorded("fedex", case), [number])
    return result


def test_token_call_sends_credentials_in_the_form_body(fedex, recorded):
    call = fedex.token_request()

    assert (call.method, call.path) == ("POST", "/oauth/token")
    assert call.data == {
        "grant_type": "client_credentials",
        "client_id": "demo",
        "client_secret": "s3cret",
    }
    assert fedex.parse_token(recorded("fedex", "token")) == (
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.demo",
        3599.0,
    )
    with pytest.raises(ValueError):
        fedex.parse_token({"token_type": "bearer"})


def test_requests_batch_thirty_numbers_with_detailed_scans(fedex):
    numbers = [f"{n:012d}" for n in range(65)]
    calls = fedex.build_request(numbers)

    assert [len(call.numbers) for call in calls] == [30, 30, 5]
    assert all((c.method, c.path) == ("POST", "/track/v1/trackingnumbers") for c in calls)
    body = calls[0].json
    assert body["includeDetailedScans"] is True
    assert body["trackingInfo"][1] == {"trackingNumberInfo": {"trackingNumber": "000000000001"}}
    assert calls[0].headers["x-locale"] == "en_US"
    assert (
        calls[0].headers["x-customer-transaction-id"]
        != calls[1].headers["x-customer-transaction-id"]
    )


def test_delivered_answer_gives_every_field(fedex, recorded):
    result = parse(fedex, recorded, "delivered_signature", "7948 4318 5271")

    assert result.ok
    assert result.tracking_number == "7948 4318 5271"
    assert (result.status, result.carrier_status_code) == (S.DELIVERED, "DL")
    assert result.carrier_status_text == "Delivered"
    assert result.estimated_delivery is None
    assert result.delivered_at == datetime(2026, 1, 12, 14, 32, 12, tzinfo=EST)
    assert result.delivered_at.utcoffset() == timedelta(hours=-5)
    assert result.signed_by == "JRIVERA"
    assert result.delivery_location == "Front desk/Reception"
    assert result.service == "FedEx 2Day"
    assert result.piece_count == 1
    assert result.carrier_delay is None
    assert [(e.code, e.status) for e in result.events] == [
        ("DL", S.DELIVERED),
        ("OD", S.OUT_FOR_DELIVERY),
        ("AR", S.IN_TRANSIT),
        ("DP", S.IN_TRANSIT),
        ("AR", S.IN_TRANSIT),
        ("PU", S.IN_TRANSIT),
        ("OC", S.PRE_TRANSIT),
    ]
    delivered, *_, pickup, label = result.events
    assert delivered.location == BROOKLYN
    assert delivered.description == "Delivered"
    assert pickup.occurred_at == datetime(2026, 1, 9, 17, 30, tzinfo=PST)
    assert pickup.occurred_at.utcoffset() == timedelta(hours=-8)
    assert result.events[3].occurred_at.utcoffset() == timedelta(hours=-6)
    assert label.location == Location(country="US")
    assert label.description == "Shipment information sent to FedEx"


def test_in_transit_reads_the_estimated_window(fedex, recorded):
    result = parse(fedex, recorded, "in_transit_window")

    assert (result.status, result.carrier_status_code) == (S.IN_TRANSIT, "IT")
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12),
        datetime(2026, 1, 12, 10, 0, tzinfo=EST),
        datetime(2026, 1, 12, 14, 0, tzinfo=EST),
    )
    assert result.delivered_at is None and result.signed_by is None
    assert result.events[0].location == MEMPHIS
    assert len(result.events) == 4


def test_out_for_delivery_window_without_offset_takes_the_destination_offset(fedex, recorded):
    result = parse(fedex, recorded, "out_for_delivery")

    assert result.status is S.OUT_FOR_DELIVERY
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12),
        datetime(2026, 1, 12, 13, 0, tzinfo=EST),
        datetime(2026, 1, 12, 17, 0, tzinfo=EST),
    )


def test_weather_exception_reports_a_carrier_delay(fedex, recorded):
    result = parse(fedex, recorded, "exception")

    assert (result.status, result.carrier_status_code) == (S.EXCEPTION, "SE")
    assert result.carrier_delay == "Weather delay"
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 14))
    assert result.events[0].description == (
        "Shipment exception: Severe weather conditions have delayed delivery"
    )
    assert result.events[0].occurred_at == datetime(2026, 1, 10, 11, 20, tzinfo=CST)


def test_dy_delay_keeps_moving_with_a_carrier_delay(fedex, recorded):
    result = parse(fedex, recorded, "delay")

    assert (result.status, result.carrier_status_code) == (S.IN_TRANSIT, "DY")
    assert result.carrier_delay == "Carrier delay"
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 13))


def test_customer_not_available_is_a_failed_attempt(fedex, recorded):
    result = parse(fedex, recorded, "failed_attempt")

    assert (result.status, result.carrier_status_code) == (S.ATTEMPT_FAILED, "DE")
    assert result.carrier_delay is None
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 13))
    assert [e.status for e in result.events[:2]] == [S.ATTEMPT_FAILED, S.OUT_FOR_DELIVERY]


def test_ready_for_pickup_is_available_for_pickup(fedex, recorded):
    result = parse(fedex, recorded, "pickup")

    assert (result.status, result.carrier_status_code) == (S.AVAILABLE_FOR_PICKUP, "HP")
    assert result.delivered_at is None
    assert result.delivery_location == "FedEx Office Print & Ship Center, 16 Court St"
    assert result.events[1].status is S.ATTEMPT_FAILED


def test_return_to_shipper_is_returned(fedex, recorded):
    result = parse(fedex, recorded, "returned")

    assert (result.status, result.carrier_status_code) == (S.RETURNED, "RS")
    assert result.estimated_delivery is None
    assert result.events[0].location.city == "RENO"
    assert result.events[1].description == "Return to shipper: incorrect address: Incorrect address"


def test_cancelled_shipment_is_cancelled(fedex, recorded):
    result = parse(fedex, recorded, "cancelled")

    assert (result.status, result.carrier_status_code) == (S.CANCELLED, "CA")
    assert [e.status for e in result.events] == [S.CANCELLED, S.PRE_TRANSIT]
    assert result.estimated_delivery is None


def test_notfound_inside_a_200_is_not_found(fedex, recorded):
    [result] = fedex.parse_response(recorded("fedex", "not_found"), ["123456789012"])

    assert result.error.kind is ErrorKind.NOT_FOUND
    assert "TRACKING.TRACKINGNUMBER.NOTFOUND" in result.error.message


def test_batch_answers_each_number_and_takes_the_newest_of_reused_results(fedex, recorded):
    payload = recorded("fedex", "batch_reused_and_not_found")
    found, missing, unasked = fedex.parse_response(payload, [N, "123456789012", "111111111111"])

    assert found.status is S.IN_TRANSIT  # the 2026 journey, not the 2024 delivery
    assert found.signed_by is None
    assert missing.error.kind is ErrorKind.NOT_FOUND
    assert unasked.error.kind is ErrorKind.PARSE


@pytest.mark.parametrize(
    ("status", "case", "kind"), [*ERROR_ANSWERS, (404, None, ErrorKind.NOT_FOUND)]
)
def test_error_statuses_and_bodies_become_failures(fedex, recorded, status, case, kind):
    results = parse_recorded_error(fedex, recorded, status, case, [N, "123456789012"])

    assert [r.error.kind for r in results] == [kind, kind]
    if case == "auth_error":
        assert "NOT.AUTHORIZED.ERROR" in results[0].error.message


@pytest.mark.parametrize("payload", [None, [], "text", {}, {"output": []}])
def test_answers_of_the_wrong_shape_are_parse_errors(fedex, payload):
    [result] = fedex.parse_response(payload, [N])
    assert result.error.kind is ErrorKind.PARSE


def test_every_documented_code_is_mapped():
    documented = {"OC", "PU", "AR", "DP", "IT", "AF", "FD", "OD", "DL", "HL", "HP", "DE", "SE"}
    assert documented | {"DY", "DD", "CD", "CA", "RS", "IN"} == set(STATUS_CODES)
    assert map_status("CA", None, "") is S.CANCELLED
    assert map_status("CD", None, "Clearance delay") is S.EXCEPTION
    assert map_status(None, "DL", "") is S.DELIVERED


def test_unmapped_code_is_unknown_and_logged_with_the_raw_code(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.fedex"):
        assert map_status("ZZ", "QQ", "Something new") is S.UNKNOWN
    assert "'ZZ'" in caplog.text and "'QQ'" in caplog.text
