"""UPS request building and parsing, from recorded answers in tests/fixtures/carriers/ups."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import requests

from carriers import ErrorKind, EstimatedDelivery, Location, TrackingStatus, get_carrier
from carriers.ups_parse import ACTIVITY_CODES, STATUS_TYPES, map_status
from tests.carriers.helpers import parse_recorded_error

EST, CST, EDT, PDT, PST = (timezone(timedelta(hours=h)) for h in (-5, -6, -4, -7, -8))


@pytest.fixture
def carrier():
    return get_carrier("ups", {"client_id": "demo", "client_secret": "s3cret"})


def parse(carrier, recorded, case, number="1Z5R89390357567127"):
    [result] = carrier.parse_response(recorded("ups", case), [number])
    return result


def test_delivered_answer_gives_every_field(carrier, recorded):
    result = parse(carrier, recorded, "delivered_signature", "1Z 999 AA1 0123 4567 84")

    assert result.ok
    assert result.tracking_number == "1Z 999 AA1 0123 4567 84"
    assert result.status is TrackingStatus.DELIVERED
    assert result.carrier_status_code == "FS"
    assert result.carrier_status_text == "Delivered"
    assert result.estimated_delivery is None
    assert result.delivered_at == datetime(2026, 1, 14, 14, 32, 12, tzinfo=EST)
    assert result.delivered_at.utcoffset() == timedelta(hours=-5)
    assert result.signed_by == "RIVERA"
    assert result.delivery_location == "Front Door"
    assert result.service == "UPS Ground"
    assert result.piece_count == 1
    assert [(e.code, e.status) for e in result.events] == [
        ("FS", TrackingStatus.DELIVERED),
        ("OT", TrackingStatus.OUT_FOR_DELIVERY),
        ("DS", TrackingStatus.IN_TRANSIT),
        ("AR", TrackingStatus.IN_TRANSIT),
        ("DP", TrackingStatus.IN_TRANSIT),
        ("PU", TrackingStatus.IN_TRANSIT),
        ("MP", TrackingStatus.PRE_TRANSIT),
    ]
    delivered, *_, pickup, label = result.events
    assert delivered.occurred_at == datetime(2026, 1, 14, 14, 32, 12, tzinfo=EST)
    assert delivered.description == "DELIVERED"
    assert delivered.location == Location("BROOKLYN", "NY", "11201", "US")
    # Built from the GMT fields, kept in the offset where it happened (local date differs).
    assert pickup.occurred_at == datetime(2026, 1, 9, 17, 30, tzinfo=PST)
    assert pickup.occurred_at.utcoffset() == timedelta(hours=-8)
    assert result.events[4].occurred_at.utcoffset() == timedelta(hours=-6)
    assert label.location == Location(country="US")
    assert label.description.startswith("Shipper created a label")


def test_in_transit_answer_has_estimate_window_in_destination_offset(carrier, recorded):
    result = parse(carrier, recorded, "in_transit_window", "1ZA8842V0298765434")

    assert result.status is TrackingStatus.IN_TRANSIT
    assert result.carrier_status_code == "AR"
    assert result.carrier_status_text == "Arrived at Facility"
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 7, 8),
        datetime(2026, 7, 8, 9, 0, tzinfo=PDT),
        datetime(2026, 7, 8, 12, 0, tzinfo=PDT),
    )
    assert result.delivered_at is None
    assert result.signed_by is None and result.delivery_location is None
    assert result.service == "UPS 2nd Day Air®"
    assert result.piece_count == 2
    assert [e.occurred_at.utcoffset() for e in result.events] == [
        timedelta(hours=h) for h in (-7, -4, -4, -4, -4)
    ]
    assert result.events[0].location == Location("Seattle", "WA", "98108", "US")


def test_out_for_delivery_prefers_rescheduled_date_and_reads_window(carrier, recorded):
    result = parse(carrier, recorded, "out_for_delivery")

    assert result.status is TrackingStatus.OUT_FOR_DELIVERY
    assert result.carrier_status_code == "OD"
    assert result.estimated_delivery == EstimatedDelivery(
        date(2026, 2, 12),
        datetime(2026, 2, 12, 13, 0, tzinfo=CST),
        datetime(2026, 2, 12, 17, 0, tzinfo=CST),
    )
    assert result.events[0].status is TrackingStatus.OUT_FOR_DELIVERY
    assert result.events[1].code == "UP"
    assert result.events[1].status is TrackingStatus.IN_TRANSIT
    assert result.events[-1].occurred_at == datetime(2026, 2, 9, 12, 0, tzinfo=EST)


def test_exception_keeps_reason_and_rescheduled_estimate(carrier, recorded):
    result = parse(carrier, recorded, "exception")

    assert result.status is TrackingStatus.EXCEPTION
    assert result.carrier_status_code == "WX"
    assert result.carrier_status_text == "Severe weather conditions have delayed delivery."
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 22))
    assert result.events[0].occurred_at == datetime(2026, 1, 19, 6, 15, tzinfo=CST)
    assert result.events[0].location == Location("Hodgkins", "IL", "60525", "US")


def test_receiver_not_available_is_a_failed_attempt(carrier, recorded):
    result = parse(carrier, recorded, "failed_attempt")

    assert result.status is TrackingStatus.ATTEMPT_FAILED
    assert result.carrier_status_code == "DA"
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 3, 3))
    assert [e.status for e in result.events] == [
        TrackingStatus.ATTEMPT_FAILED,
        TrackingStatus.OUT_FOR_DELIVERY,
    ]


def test_access_point_drop_off_is_available_for_pickup_not_delivered(carrier, recorded):
    result = parse(carrier, recorded, "pickup")

    assert result.status is TrackingStatus.AVAILABLE_FOR_PICKUP
    assert result.carrier_status_code == "KB"
    assert result.delivered_at is None
    assert result.signed_by is None
    assert result.delivery_location == "THE UPS STORE 4421, 50 W BROAD ST"
    assert result.events[0].status is TrackingStatus.AVAILABLE_FOR_PICKUP
    assert result.events[1].status is TrackingStatus.ATTEMPT_FAILED


def test_returned_to_shipper(carrier, recorded):
    result = parse(carrier, recorded, "returned")

    assert result.status is TrackingStatus.RETURNED
    assert result.estimated_delivery is None
    assert result.events[0].occurred_at == datetime(2026, 3, 10, 11, 0, tzinfo=PST)
    assert result.events[0].location.city == "Reno"
    assert {e.status for e in result.events} == {TrackingStatus.RETURNED}


def test_voided_label_is_cancelled(carrier, recorded):
    result = parse(carrier, recorded, "voided")

    assert result.status is TrackingStatus.CANCELLED
    assert result.carrier_status_code == "MV"
    assert result.piece_count is None
    assert [e.status for e in result.events] == [
        TrackingStatus.CANCELLED,
        TrackingStatus.PRE_TRANSIT,
    ]


def test_tw0001_warning_without_package_is_not_found(carrier, recorded):
    result = parse(carrier, recorded, "not_found")

    assert result.error.kind is ErrorKind.NOT_FOUND
    assert "TW0001" in result.error.message
    assert result.status is TrackingStatus.UNKNOWN


@pytest.mark.parametrize(
    ("status", "case", "kind"),
    [
        (401, "auth_error", ErrorKind.AUTH),
        (400, "invalid_number", ErrorKind.INVALID),
        (429, "rate_limited", ErrorKind.RATE_LIMITED),
        (404, None, ErrorKind.NOT_FOUND),
        (503, None, ErrorKind.TEMPORARY),
        (400, None, ErrorKind.INVALID),
    ],
)
def test_error_statuses_and_bodies_become_failures(carrier, recorded, status, case, kind):
    [result] = parse_recorded_error(carrier, recorded, status, case, ["1Z5R89390357567127"])

    assert result.error.kind is kind
    assert result.tracking_number == "1Z5R89390357567127"


def test_error_body_in_a_200_is_still_an_error(carrier, recorded):
    [result] = carrier.parse_response(recorded("ups", "invalid_number"), ["X"])
    assert result.error.kind is ErrorKind.INVALID
    assert result.error.message == "UPS TV1002: Invalid inquiry number"


@pytest.mark.parametrize("payload", [None, [], "text", 3, {}, {"trackResponse": []}])
def test_answers_of_the_wrong_shape_are_parse_errors(carrier, payload):
    [result] = carrier.parse_response(payload, ["1Z5R89390357567127"])
    assert result.error.kind is ErrorKind.PARSE


@pytest.mark.parametrize(
    ("type_letter", "code", "description", "expected"),
    [
        ("M", "MP", "", TrackingStatus.PRE_TRANSIT),
        ("MV", None, "", TrackingStatus.CANCELLED),
        ("P", "PU", "", TrackingStatus.IN_TRANSIT),
        ("I", "OR", "", TrackingStatus.IN_TRANSIT),
        ("I", "OT", "", TrackingStatus.OUT_FOR_DELIVERY),
        ("I", "OF", "", TrackingStatus.OUT_FOR_DELIVERY),
        ("I", "OD", "", TrackingStatus.OUT_FOR_DELIVERY),
        ("X", "WX", "Severe weather", TrackingStatus.EXCEPTION),
        ("X", "ZZ", "Delivery attempted; nobody home", TrackingStatus.ATTEMPT_FAILED),
        ("D", "FS", "DELIVERED", TrackingStatus.DELIVERED),
        ("D", "KB", "", TrackingStatus.AVAILABLE_FOR_PICKUP),
        ("D", None, "At UPS Access Point, awaiting pickup", TrackingStatus.AVAILABLE_FOR_PICKUP),
        ("RS", "RS", "", TrackingStatus.RETURNED),
        ("NA", None, "", TrackingStatus.UNKNOWN),
        ("DO", None, "", TrackingStatus.IN_TRANSIT),
        ("DD", None, "", TrackingStatus.DELIVERED),
        ("W", None, "", TrackingStatus.IN_TRANSIT),
        (None, "FS", "", TrackingStatus.DELIVERED),
        ("i", "ot", "", TrackingStatus.OUT_FOR_DELIVERY),
    ],
)
def test_status_map(type_letter, code, description, expected):
    assert map_status(type_letter, code, description) is expected


def test_every_documented_letter_and_code_is_mapped():
    assert set(STATUS_TYPES) == {"M", "MV", "P", "I", "X", "D", "RS", "NA", "DO", "DD", "W"}
    documented = {"MP", "PU", "OR", "AR", "DP", "DS", "OT", "OF", "OD", "EP", "IP", "FS", "KB"}
    assert documented | {"UP", "UT"} == set(ACTIVITY_CODES)


def test_unmapped_code_is_unknown_and_logged_with_the_raw_code(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.ups"):
        assert map_status("ZQ", "Q7", "Something new") is TrackingStatus.UNKNOWN
    assert "'ZQ'" in caplog.text and "'Q7'" in caplog.text


def test_event_without_gmt_fields_falls_back_to_local_time_marked_utc(carrier):
    payload = {
        "trackResponse": {
            "shipment": [
                {
                    "inquiryNumber": "1Z5R89390357567127",
                    "package": [
                        {
                            "activity": [
                                {
                                    "status": {"type": "I", "code": "AR"},
                                    "date": "20260101",
                                    "time": "101500",
                                }
                            ]
                        }
                    ],
                }
            ]
        }
    }
    [result] = carrier.parse_response(payload, ["1Z5R89390357567127"])
    assert result.status is TrackingStatus.IN_TRANSIT  # from the newest event
    assert result.events[0].occurred_at == datetime(2026, 1, 1, 10, 15, tzinfo=UTC)


def test_build_request_is_one_get_per_number_with_unique_trans_ids(carrier):
    calls = carrier.build_request(["1z 5r8 939 0357567127", "1Z999AA10123456784"])

    assert [c.path for c in calls] == [
        "/api/track/v1/details/1Z5R89390357567127",
        "/api/track/v1/details/1Z999AA10123456784",
    ]
    assert calls[0].numbers == ("1z 5r8 939 0357567127",)
    assert calls[0].method == "GET"
    assert dict(calls[0].params) == {
        "locale": "en_US",
        "returnSignature": "false",
        "returnMilestones": "false",
        "returnPOD": "false",
    }
    ids = {c.headers["transId"] for c in calls}
    assert len(ids) == 2 and all(len(i) <= 32 for i in ids)
    assert calls[0].headers["transactionSrc"] == "porchlight"


def test_token_request_uses_basic_auth_and_form_body(carrier):
    call = carrier.token_request()

    assert (call.method, call.path) == ("POST", "/security/v1/oauth/token")
    assert call.headers["Authorization"] == "Basic " + base64.b64encode(b"demo:s3cret").decode()
    assert call.data == {"grant_type": "client_credentials"}
    assert carrier.parse_token({"access_token": "t", "expires_in": "14399"}) == ("t", 14399.0)
    with pytest.raises(ValueError):
        carrier.parse_token({"expires_in": "14399"})


def test_public_tracking_url(carrier):
    url = carrier.public_tracking_url("1z999aa10123456784")
    assert url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"


class CannedHTTP:
    """Stands in for CarrierHTTP: answers each call from a queue and records it."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.calls: list[str] = []

    def request(self, method, path, **kwargs):
        self.calls.append(path)
        response = requests.Response()
        response.status_code = self.statuses.pop(0)
        body = {"access_token": f"t{len(self.calls)}", "expires_in": "14399"}
        if "oauth" not in path:
            body = {"response": {"errors": [{"code": "250002", "message": "Invalid auth"}]}}
        response._content = json.dumps(body).encode()
        return response


def test_a_second_401_after_refreshing_the_token_is_an_auth_failure(carrier):
    carrier.http = CannedHTTP(200, 401, 200, 401)
    [result] = carrier.track(["1Z5R89390357567127"])

    assert result.error.kind is ErrorKind.AUTH
    assert [p.split("/")[-1] for p in carrier.http.calls] == [
        "token",
        "1Z5R89390357567127",
        "token",
        "1Z5R89390357567127",
    ]


def test_weather_exception_reports_a_carrier_delay(carrier, recorded):
    assert parse(carrier, recorded, "exception").carrier_delay == "Weather delay"
    assert parse(carrier, recorded, "in_transit_window").carrier_delay is None
    assert parse(carrier, recorded, "failed_attempt").carrier_delay is None
    assert parse(carrier, recorded, "delivered_signature").carrier_delay is None
