"""USPS request building and parsing, from recorded answers in tests/fixtures/carriers/usps."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import pytest

from carriers import ErrorKind, EstimatedDelivery, Location, TrackingStatus, get_carrier
from carriers.usps_parse import CATEGORIES, EVENT_CODES, event_time, map_status
from tests.carriers.helpers import ERROR_ANSWERS, parse_recorded_error

S = TrackingStatus
EST, CST, PST = (timezone(timedelta(hours=h)) for h in (-5, -6, -8))
N = "9400111899223033005289"


@pytest.fixture
def usps():
    return get_carrier("usps", {"client_id": "demo", "client_secret": "s3cret"})


def parse(usps, recorded, case, number=N):
    [result] = usps.parse_response(recorded("usps", case), [number])
    return result


def test_token_call_asks_for_the_tracking_scope(usps, recorded):
    call = usps.token_request()

    assert (call.method, call.path) == ("POST", "/oauth2/v3/token")
    assert call.data == {
        "grant_type": "client_credentials",
        "client_id": "demo",
        "client_secret": "s3cret",
        "scope": "tracking",
    }
    assert usps.parse_token(recorded("usps", "token")) == (
        "eyJraWQiOiJ1c3BzLWRlbW8ifQ.demo",
        28799.0,
    )


def test_one_get_per_number_with_detail(usps):
    first, second = usps.build_request(["9400 1118 9922 3033 0052 89", "EA123456785US"])

    assert (first.method, first.path) == ("GET", f"/tracking/v3/tracking/{N}")
    assert first.params == {"expand": "DETAIL"}
    assert first.numbers == ("9400 1118 9922 3033 0052 89",)
    assert second.path == "/tracking/v3/tracking/EA123456785US"


def test_delivered_answer_gives_every_field(usps, recorded):
    result = parse(usps, recorded, "delivered_signature")

    assert result.ok
    assert (result.status, result.carrier_status_code) == (S.DELIVERED, "Delivered")
    assert result.carrier_status_text == "Delivered, In/At Mailbox"
    assert result.estimated_delivery is None
    assert result.delivered_at == datetime(2026, 1, 12, 14, 32, tzinfo=EST)
    assert result.delivered_at.utcoffset() == timedelta(hours=-5)
    assert result.signed_by == "M MORALES"
    assert result.delivery_location == "In/At Mailbox"
    assert result.service == "Priority Mail®"  # HTML stripped, entity decoded
    assert result.piece_count is None
    assert result.carrier_delay is None
    assert [(e.code, e.status) for e in result.events] == [
        ("01", S.DELIVERED),
        ("OF", S.OUT_FOR_DELIVERY),
        ("07", S.IN_TRANSIT),
        ("10", S.IN_TRANSIT),
        ("T1", S.IN_TRANSIT),
        ("03", S.IN_TRANSIT),
        ("GX", S.PRE_TRANSIT),
    ]
    delivered, *_, accepted, label = result.events
    assert delivered.location == Location("BROOKLYN", "NY", "11201", "US")
    # From GMTTimestamp + GMTOffset: the local date (Jan 9) differs from the GMT one (Jan 10).
    assert accepted.occurred_at == datetime(2026, 1, 9, 17, 30, tzinfo=PST)
    assert result.events[3].occurred_at == datetime(2026, 1, 10, 22, 15, tzinfo=CST)
    assert label.description == "Shipping Label Created, USPS Awaiting Item"


def test_in_transit_reads_the_predicted_window(usps, recorded):
    result = parse(usps, recorded, "in_transit_window")

    assert (result.status, result.carrier_status_code) == (S.IN_TRANSIT, "In Transit")
    # No scan at the destination yet: the newest scan's offset stands in for Brooklyn's.
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12),
        datetime(2026, 1, 12, 10, 15, tzinfo=CST),
        datetime(2026, 1, 12, 14, 15, tzinfo=CST),
    )
    assert result.delivered_at is None and result.signed_by is None
    assert result.delivery_location is None


def test_out_for_delivery_reads_the_expected_time_in_the_destination_offset(usps, recorded):
    result = parse(usps, recorded, "out_for_delivery")

    assert result.status is S.OUT_FOR_DELIVERY
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 1, 12), None, datetime(2026, 1, 12, 20, 0, tzinfo=EST)
    )


def test_weather_alert_is_an_exception_with_a_carrier_delay(usps, recorded):
    result = parse(usps, recorded, "exception")

    assert (result.status, result.carrier_status_code) == (S.EXCEPTION, "Alert")
    assert result.carrier_delay == "Weather delay"
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 14))
    assert result.events[0].status is S.EXCEPTION
    assert result.events[0].code is None


def test_arriving_late_is_in_transit_running_late(usps, recorded):
    result = parse(usps, recorded, "arriving_late")

    assert result.status is S.IN_TRANSIT
    assert result.carrier_delay == "Running late"
    assert result.events[0].location == Location()


def test_notice_left_is_a_failed_attempt(usps, recorded):
    result = parse(usps, recorded, "failed_attempt")

    assert (result.status, result.carrier_status_code) == (S.ATTEMPT_FAILED, "Delivery Attempt")
    assert result.estimated_delivery is None
    assert result.carrier_delay is None
    assert result.events[0].status is S.ATTEMPT_FAILED


def test_held_at_the_post_office_is_available_for_pickup(usps, recorded):
    result = parse(usps, recorded, "pickup")

    assert result.status is S.AVAILABLE_FOR_PICKUP
    assert result.delivered_at is None
    assert result.events[0].code == "14"


def test_delivered_to_original_sender_is_returned(usps, recorded):
    result = parse(usps, recorded, "returned")

    assert result.status is S.RETURNED
    assert result.delivered_at is None and result.signed_by is None
    assert [e.status for e in result.events[:2]] == [S.RETURNED, S.RETURNED]


def test_cancelled_label_is_cancelled(usps, recorded):
    result = parse(usps, recorded, "cancelled")

    assert result.status is S.CANCELLED
    assert [e.status for e in result.events] == [S.CANCELLED, S.PRE_TRANSIT]


def test_not_found_body_is_not_found(usps, recorded):
    [result] = usps.parse_error(404, recorded("usps", "not_found"), [N])
    [in_200] = usps.parse_response(recorded("usps", "not_found"), [N])

    assert result.error.kind is ErrorKind.NOT_FOUND
    assert in_200.error.kind is ErrorKind.NOT_FOUND
    assert "could not be located" in result.error.message


def test_an_answer_without_status_or_events_is_not_found(usps):
    [result] = usps.parse_response({"trackingNumber": N, "trackingEvents": []}, [N])
    assert result.error.kind is ErrorKind.NOT_FOUND


@pytest.mark.parametrize(("status", "case", "kind"), ERROR_ANSWERS)
def test_error_statuses_and_bodies_become_failures(usps, recorded, status, case, kind):
    [result] = parse_recorded_error(usps, recorded, status, case, [N])
    assert result.error.kind is kind


@pytest.mark.parametrize("payload", [None, [], "text", 7])
def test_answers_of_the_wrong_shape_are_parse_errors(usps, payload):
    [result] = usps.parse_response(payload, [N])
    assert result.error.kind is ErrorKind.PARSE


def test_string_booleans_and_html_do_not_confuse_the_parser(usps, recorded):
    payload = recorded("usps", "delivered_signature")
    payload.update(mailClass="<b>Ground</b> <i>Advantage</i>&trade;", carrierRelease="true")
    assert parse(usps, lambda *_: payload, None).service == "Ground Advantage™"


def test_every_documented_code_and_category_is_mapped():
    documented = {"GX", "03", "SF", "10", "A1", "T1", "TL", "07", "OF", "01", "02", "53", "55"}
    assert documented | {"14"} == set(EVENT_CODES)
    for category in ("Delivered", "In Transit", "Pre-Shipment", "Out for Delivery", "Alert"):
        assert category.lower() in CATEGORIES
    assert map_status(None, "Available for Pickup", "") is S.AVAILABLE_FOR_PICKUP


def test_unmapped_code_is_unknown_and_logged_with_the_raw_code(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.usps"):
        assert map_status("Q9", "Mystery", "Something new") is S.UNKNOWN
    assert "'Q9'" in caplog.text and "'Mystery'" in caplog.text


def test_event_time_without_gmt_fields_uses_the_offset_or_utc():
    with_offset = event_time({"eventTimestamp": "2026-01-09T09:02:00", "GMTOffset": "-08:00"})
    bare = event_time({"eventTimestamp": "2026-01-09T09:02:00"})

    assert with_offset == datetime(2026, 1, 9, 9, 2, tzinfo=PST)
    assert bare.utcoffset() == timedelta(0)
    assert event_time({"GMTTimestamp": "not a time"}) is None
