"""EasyPost request building, parsing of recorded answers, and webhook signatures."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest

from carriers import ErrorKind, EstimatedDelivery, Location, TrackingStatus, get_carrier
from carriers.easypost_parse import (
    STATUSES,
    map_status,
    parse_webhook,
    verify_webhook,
    webhook_signature,
)
from tests.carriers.helpers import parse_recorded_error

S = TrackingStatus
N = "9205590164917312751089"


@pytest.fixture
def easypost():
    return get_carrier("easypost", {"api_key": "EZAK_demo"})


def parse(easypost, recorded, case, number=N):
    [result] = easypost.parse_response(recorded("easypost", case), [number])
    return result


def test_lookup_lists_by_tracking_code_and_create_names_the_detected_carrier(easypost):
    [lookup] = easypost.build_request(["9205 5901 6491 7312 7510 89"])
    create = easypost.build_create_request("1Z999AA10123456784")
    unsure = easypost.build_create_request("NOT-A-KNOWN-SHAPE")

    assert (lookup.method, lookup.path) == ("GET", "/v2/trackers")
    assert lookup.params["tracking_code"] == N
    assert (create.method, create.path) == ("POST", "/v2/trackers")
    assert create.json == {"tracker": {"tracking_code": "1Z999AA10123456784", "carrier": "UPS"}}
    assert unsure.json == {"tracker": {"tracking_code": "NOTAKNOWNSHAPE"}}


def test_delivered_tracker_gives_every_field(easypost, recorded):
    result = parse(easypost, recorded, "delivered_signature")

    assert result.ok
    assert (result.status, result.carrier_status_code) == (S.DELIVERED, "delivered")
    assert result.carrier_status_text == "Delivered, In/At Mailbox"
    assert result.estimated_delivery is None
    assert result.delivered_at == datetime(2026, 1, 12, 19, 32, tzinfo=UTC)
    assert result.signed_by == "M MORALES"
    assert result.delivery_location is None
    assert result.service == "Priority Mail"
    assert result.piece_count is None
    assert result.carrier_delay is None
    assert [(e.code, e.status) for e in result.events] == [
        ("arrived_at_destination", S.DELIVERED),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
        ("arrived_at_facility", S.IN_TRANSIT),
        ("arrived_at_facility", S.IN_TRANSIT),
        ("label_created", S.PRE_TRANSIT),
    ]
    assert result.events[0].location == Location("BROOKLYN", "NY", "11201", "US")
    assert result.events[0].occurred_at.utcoffset().total_seconds() == 0


def test_in_transit_list_answer_reads_the_local_estimate(easypost, recorded):
    result = parse(easypost, recorded, "in_transit_window")

    assert result.status is S.IN_TRANSIT
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 12))
    assert result.delivered_at is None and result.signed_by is None


def test_out_for_delivery_falls_back_to_the_utc_estimate(easypost, recorded):
    result = parse(easypost, recorded, "out_for_delivery")

    assert result.status is S.OUT_FOR_DELIVERY
    assert result.estimated_delivery == EstimatedDelivery(date(2026, 1, 12))


def test_weather_delay_detail_is_a_carrier_delay(easypost, recorded):
    result = parse(easypost, recorded, "weather_delay")

    assert (result.status, result.carrier_delay) == (S.IN_TRANSIT, "Weather delay")


def test_failure_is_an_exception(easypost, recorded):
    result = parse(easypost, recorded, "exception")

    assert (result.status, result.carrier_status_code) == (S.EXCEPTION, "failure")
    assert result.carrier_status_text == "Item damaged in handling, contact sender"
    assert result.carrier_delay is None


def test_delivery_exception_with_notice_left_is_a_failed_attempt(easypost, recorded):
    result = parse(easypost, recorded, "failed_attempt")

    assert result.status is S.ATTEMPT_FAILED
    assert result.events[0].status is S.ATTEMPT_FAILED


def test_available_for_pickup(easypost, recorded):
    assert parse(easypost, recorded, "pickup").status is S.AVAILABLE_FOR_PICKUP


def test_return_to_sender_is_returned(easypost, recorded):
    result = parse(easypost, recorded, "returned")
    assert (result.status, result.carrier_status_code) == (S.RETURNED, "return_to_sender")


def test_cancelled_is_cancelled(easypost, recorded):
    result = parse(easypost, recorded, "cancelled")
    assert [e.status for e in result.events] == [S.CANCELLED, S.PRE_TRANSIT]
    assert result.status is S.CANCELLED


def test_new_tracker_without_details_is_not_found_yet(easypost, recorded):
    result = parse(easypost, recorded, "unknown_new")
    assert result.error.kind is ErrorKind.NOT_FOUND


def test_empty_list_is_not_found_so_track_creates_a_tracker(easypost, recorded):
    assert parse(easypost, recorded, "empty_list").error.kind is ErrorKind.NOT_FOUND


def test_freshest_of_several_trackers_wins(easypost, recorded):
    result = parse(easypost, recorded, "two_trackers")
    assert result.status is S.IN_TRANSIT and result.signed_by is None


@pytest.mark.parametrize(
    ("status", "case", "kind"),
    [
        (401, "auth_error", ErrorKind.AUTH),
        (404, "not_found", ErrorKind.NOT_FOUND),
        (422, "invalid_number", ErrorKind.INVALID),
        (429, "rate_limited", ErrorKind.RATE_LIMITED),
        (503, None, ErrorKind.TEMPORARY),
    ],
)
def test_error_statuses_and_bodies_become_failures(easypost, recorded, status, case, kind):
    [result] = parse_recorded_error(easypost, recorded, status, case, [N])
    assert result.error.kind is kind


@pytest.mark.parametrize("payload", [None, [], "text", {}, {"trackers": {}}])
def test_answers_of_the_wrong_shape_are_parse_errors(easypost, payload):
    [result] = easypost.parse_response(payload, [N])
    assert result.error.kind is ErrorKind.PARSE


def test_every_documented_status_is_mapped():
    documented = {
        "unknown", "pre_transit", "in_transit", "out_for_delivery", "delivered",
        "available_for_pickup", "return_to_sender", "failure", "cancelled", "error",
    }  # fmt: skip
    assert set(STATUSES) == documented
    assert map_status("return_to_sender", None, "") is S.RETURNED
    assert map_status("cancelled", "cancelled", "") is S.CANCELLED


def test_unmapped_status_is_unknown_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.easypost"):
        assert map_status("vanished", "poof", "") is S.UNKNOWN
    assert "'vanished'" in caplog.text


def test_webhook_signature_is_hmac_sha256_of_the_raw_body_with_the_nfkd_secret(recorded):
    body = json.dumps(recorded("easypost", "webhook_event")).encode()
    # "ﬁ" (a ligature) NFKD-normalises to "fi": both spellings sign alike.
    signature = webhook_signature("demo-ﬁ-secret", body)

    assert signature.startswith("hmac-sha256-hex=") and len(signature) == 16 + 64
    assert verify_webhook("demo-fi-secret", body, signature)
    assert not verify_webhook("other", body, signature)
    assert not verify_webhook("demo-fi-secret", body + b" ", signature)
    assert not verify_webhook("demo-fi-secret", body, None)


def test_webhook_event_carries_a_tracking_result(recorded):
    result = parse_webhook(recorded("easypost", "webhook_event"))

    assert result.tracking_number == N
    assert result.status is S.OUT_FOR_DELIVERY
    assert parse_webhook({"description": "batch.created", "result": {}}) is None
