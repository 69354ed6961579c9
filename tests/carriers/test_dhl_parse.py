"""DHL request building and parsing, from recorded answers in tests/fixtures/carriers/dhl."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from carriers import ErrorKind, EstimatedDelivery, Location, TrackingStatus, get_carrier
from carriers.dhl_parse import STATUS_CODES, map_status
from tests.carriers.helpers import ERROR_ANSWERS, parse_recorded_error

S = TrackingStatus
EST, PST = (timezone(timedelta(hours=h)) for h in (-5, -8))
N = "3318810025"


@pytest.fixture
def dhl():
    return get_carrier("dhl", {"api_key": "demo-key"})


def parse(dhl, recorded, case, number=N):
    [result] = dhl.parse_response(recorded("dhl", case), [number])
    return result


def test_one_get_per_number_in_english(dhl):
    [call] = dhl.build_request(["33 1881 0025"])

    assert (call.method, call.path) == ("GET", "/track/shipments")
    assert call.params == {"trackingNumber": N, "language": "en"}
    assert call.numbers == ("33 1881 0025",)


def test_delivered_answer_gives_every_field(dhl, recorded):
    result = parse(dhl, recorded, "delivered_signature")

    assert result.ok
    assert (result.status, result.carrier_status_code) == (S.DELIVERED, "delivered")
    assert result.carrier_status_text == "Delivered - Signed for by: MORALES"
    assert result.estimated_delivery is None
    assert result.delivered_at == datetime(2026, 1, 12, 14, 32, tzinfo=EST)
    assert result.signed_by == "MORALES"
    assert result.delivery_location is None
    assert result.service == "DHL EXPRESS WORLDWIDE"
    assert result.piece_count == 1
    assert result.carrier_delay is None
    assert [e.status for e in result.events] == [
        S.DELIVERED,
        S.OUT_FOR_DELIVERY,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.PRE_TRANSIT,
    ]
    delivered, *_, pickup, label = result.events
    assert delivered.location == Location("Brooklyn", "NY", "11201", "US")
    assert delivered.code == "delivered"
    assert pickup.occurred_at == datetime(2026, 1, 9, 17, 30, tzinfo=PST)
    assert label.description == "Shipment information received"


def test_in_transit_reads_the_estimated_time_frame(dhl, recorded):
    result = parse(dhl, recorded, "in_transit_window")

    assert result.status is S.IN_TRANSIT
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12),
        datetime(2026, 1, 12, 9, 0, tzinfo=EST),
        datetime(2026, 1, 12, 18, 0, tzinfo=EST),
    )
    assert result.delivered_at is None and result.signed_by is None


def test_with_delivery_courier_is_out_for_delivery(dhl, recorded):
    result = parse(dhl, recorded, "out_for_delivery")

    assert result.status is S.OUT_FOR_DELIVERY
    # No offset on the estimate: the destination's scans give it.
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12), None, datetime(2026, 1, 12, 18, 0, tzinfo=EST)
    )


def test_delay_remark_reports_a_carrier_delay_while_in_transit(dhl, recorded):
    result = parse(dhl, recorded, "delay_remark")

    assert result.status is S.IN_TRANSIT
    assert result.carrier_delay == "Weather delay"


def test_failure_is_an_exception_with_its_reason(dhl, recorded):
    result = parse(dhl, recorded, "exception")

    assert (result.status, result.carrier_status_code) == (S.EXCEPTION, "failure")
    assert result.carrier_status_text == "Severe weather conditions have delayed delivery."
    assert result.carrier_delay == "Weather delay"
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 14))


def test_delivery_attempt_failed_is_a_failed_attempt(dhl, recorded):
    result = parse(dhl, recorded, "failed_attempt")

    assert result.status is S.ATTEMPT_FAILED
    assert result.carrier_delay is None
    assert result.estimated_delivery.date == date(2026, 1, 13)


def test_awaiting_collection_is_available_for_pickup(dhl, recorded):
    result = parse(dhl, recorded, "pickup")

    assert result.status is S.AVAILABLE_FOR_PICKUP
    assert result.events[1].status is S.ATTEMPT_FAILED


def test_returned_wording_is_returned(dhl, recorded):
    result = parse(dhl, recorded, "returned")

    assert result.status is S.RETURNED
    assert result.delivered_at is None
    assert [e.status for e in result.events[:2]] == [S.RETURNED, S.RETURNED]


def test_cancelled_wording_is_cancelled(dhl, recorded):
    result = parse(dhl, recorded, "cancelled")

    assert result.status is S.CANCELLED
    assert [e.status for e in result.events] == [S.CANCELLED, S.PRE_TRANSIT]


def test_timestamps_without_offset_are_read_as_utc(dhl, recorded):
    result = parse(dhl, recorded, "naive_timestamps")

    assert result.delivered_at == datetime(2026, 1, 12, 14, 32, tzinfo=UTC)
    assert result.events[0].location == Location("BROOKLYN - NY - USA")


def test_not_found_problem_is_not_found(dhl, recorded):
    [result] = dhl.parse_error(404, recorded("dhl", "not_found"), [N])
    assert result.error.kind is ErrorKind.NOT_FOUND
    assert "No shipment with given tracking number found" in result.error.message


def test_empty_shipments_are_not_found(dhl):
    [result] = dhl.parse_response({"shipments": []}, [N])
    assert result.error.kind is ErrorKind.NOT_FOUND


@pytest.mark.parametrize(("status", "case", "kind"), ERROR_ANSWERS)
def test_error_statuses_and_bodies_become_failures(dhl, recorded, status, case, kind):
    [result] = parse_recorded_error(dhl, recorded, status, case, [N])
    assert result.error.kind is kind


@pytest.mark.parametrize("payload", [None, [], "text", {}, {"unexpected": 1}])
def test_answers_of_the_wrong_shape_are_parse_errors(dhl, payload):
    [result] = dhl.parse_response(payload, [N])
    assert result.error.kind is ErrorKind.PARSE


def test_every_documented_status_code_is_mapped():
    assert set(STATUS_CODES) == {"pre-transit", "transit", "delivered", "failure", "unknown"}
    assert map_status("transit", "Out for delivery") is S.OUT_FOR_DELIVERY
    assert map_status("unknown", "") is S.UNKNOWN


def test_unmapped_code_is_unknown_and_logged_with_the_raw_code(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.dhl"):
        assert map_status("teleported", "Beamed up") is S.UNKNOWN
    assert "'teleported'" in caplog.text
