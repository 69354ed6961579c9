"""Every adapter reads a summary status against its newest event, from recorded answers."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from carriers import CarrierEvent, TrackingStatus, get_carrier
from carriers.reconcile import Reading, choose_reading, disagreement_counts
from carriers.ups_parse import read_status

S = TrackingStatus
OFD = S.OUT_FOR_DELIVERY
EST = timezone(timedelta(hours=-5))
NUMBERS = {
    "ups": "1Z5R89390357567127",
    "fedex": "794843185271",
    "usps": "9400111899223033005289",
    "dhl": "3318810025",
    "easypost": "9205590164917312751089",
}


@pytest.fixture(scope="module")
def adapters():
    settings = {"client_id": "demo", "client_secret": "s3cret", "api_key": "demo"}
    return {code: get_carrier(code, settings) for code in NUMBERS}


@pytest.fixture
def parse(adapters, recorded):
    def read(carrier: str, case: str):
        [result] = adapters[carrier].parse_response(recorded(carrier, case), [NUMBERS[carrier]])
        assert result.ok, result.error
        return result

    return read


@pytest.mark.parametrize(
    ("carrier", "case", "status", "code"),
    [
        # A generic or stale summary does not hide a newer, more specific event.
        ("ups", "summary_on_the_way_newest_out_for_delivery", S.OUT_FOR_DELIVERY, "OD"),
        ("ups", "summary_in_transit_newest_weather_exception", S.EXCEPTION, "WX"),
        ("ups", "summary_exception_newest_attempt", S.ATTEMPT_FAILED, "DA"),
        ("fedex", "summary_in_transit_newest_on_vehicle", S.OUT_FOR_DELIVERY, "OD"),
        ("fedex", "summary_exception_newest_not_available", S.ATTEMPT_FAILED, "DE"),
        ("usps", "newest_weather_predicted_later", S.EXCEPTION, None),
        ("dhl", "summary_older_than_newest_event", S.OUT_FOR_DELIVERY, "transit"),
        ("dhl", "stale_weather_summary_newest_running_late", S.IN_TRANSIT, "transit"),
        ("easypost", "tracker_in_transit_newest_out_for_delivery", OFD, "out_for_delivery"),
        # A summary further along than a lagging event list is never undone by it.
        ("ups", "summary_delivered_activity_lagging", S.DELIVERED, "011"),
        ("fedex", "summary_delivered_scans_lagging", S.DELIVERED, "DL"),
        ("usps", "summary_delivered_events_lagging", S.DELIVERED, "Delivered"),
        ("dhl", "summary_delivered_events_lagging", S.DELIVERED, "delivered"),
        ("easypost", "tracker_delivered_details_lagging", S.DELIVERED, "delivered"),
    ],
)  # fmt: skip
def test_the_more_specific_and_newer_of_summary_and_newest_event_wins(
    parse, carrier, case, status, code
):
    result = parse(carrier, case)

    assert (result.status, result.carrier_status_code) == (status, code)


def test_a_generic_summary_keeps_the_newest_events_words_and_window(parse):
    result = parse("ups", "summary_on_the_way_newest_out_for_delivery")

    assert result.carrier_status_text == "Out For Delivery Today"
    assert result.estimated_delivery.window_start is not None  # the EDW window still read


def test_a_delivered_summary_gives_the_delivery_time_without_its_scan(parse):
    result = parse("ups", "summary_delivered_activity_lagging")

    assert result.delivered_at == datetime(2026, 1, 14, 14, 32, 12, tzinfo=EST)  # DEL + time
    assert result.delivered_at.utcoffset() == timedelta(hours=-5)
    assert result.estimated_delivery is None
    assert result.signed_by == "RIVERA"


@pytest.mark.parametrize(
    ("carrier", "case", "delay"),
    [
        ("ups", "summary_in_transit_newest_weather_exception", "Weather delay"),
        ("fedex", "commitment_moved_weather_scan", "Weather delay"),  # the scan's delayDetail
        ("usps", "newest_weather_predicted_later", "Weather delay"),
        ("dhl", "stale_weather_summary_newest_running_late", "Running late"),  # not the old hold
        ("easypost", "newest_weather_hold_guarantee_moved", "Weather delay"),
        ("ups", "summary_on_the_way_newest_out_for_delivery", None),
        ("usps", "summary_delivered_events_lagging", None),
    ],
)
def test_a_delay_is_read_from_the_newest_events_words_as_well_as_the_summary(
    parse, carrier, case, delay
):
    assert parse(carrier, case).carrier_delay == delay


@pytest.mark.parametrize(
    ("carrier", "case", "first", "current"),
    [
        ("ups", "rescheduled_sdd_rdd", date(2026, 7, 8), date(2026, 7, 10)),  # SDD, RDD
        ("fedex", "commitment_moved_weather_scan", date(2026, 1, 12), date(2026, 1, 14)),
        ("usps", "newest_weather_predicted_later", date(2026, 1, 13), date(2026, 1, 15)),
        ("easypost", "newest_weather_hold_guarantee_moved", date(2026, 1, 13), date(2026, 1, 15)),
        ("ups", "out_for_delivery", date(2026, 2, 11), date(2026, 2, 12)),
        ("ups", "delivered_signature", date(2026, 1, 14), None),  # delivered: for delivered_late
        ("dhl", "in_transit_window", None, date(2026, 1, 12)),  # DHL states one date only
    ],
)  # fmt: skip
def test_the_carriers_first_promise_is_read_beside_its_current_estimate(
    parse, carrier, case, first, current
):
    result = parse(carrier, case)

    assert result.first_promised_date == first
    assert (result.estimated_delivery.date if result.estimated_delivery else None) == current


def test_a_disagreement_is_logged_and_counted(parse, caplog):
    key = ("ups", "in_transit", "out_for_delivery", "event")
    before = disagreement_counts().get(key, 0)
    with caplog.at_level(logging.INFO, logger="carriers.ups"):
        parse("ups", "summary_on_the_way_newest_out_for_delivery")

    [line] = [r for r in caplog.records if r.getMessage().startswith("summary/event")]
    assert line.name == "carriers.ups"
    assert line.getMessage() == (
        "summary/event disagreement carrier=ups summary=in_transit:005 "
        "newest_event=out_for_delivery:OD chose=event"
    )
    assert disagreement_counts()[key] == before + 1


def test_an_agreeing_summary_logs_nothing(parse, caplog):
    with caplog.at_level(logging.INFO, logger="carriers"):
        parse("ups", "out_for_delivery")
        parse("dhl", "out_for_delivery")

    assert not [r for r in caplog.records if "disagreement" in r.getMessage()]


@pytest.mark.parametrize(
    ("entry", "status", "code"),
    [
        ({"code": "021", "description": "Out For Delivery Today"}, S.OUT_FOR_DELIVERY, "021"),
        ({"code": "003"}, S.PRE_TRANSIT, "003"),
        ({"code": "007", "description": "Delivery attempted"}, S.ATTEMPT_FAILED, "007"),
        ({"code": "011", "description": "Delivered"}, S.DELIVERED, "011"),
        ({"statusCode": "024", "description": "Final attempt made"}, S.ATTEMPT_FAILED, "024"),
        ({"type": "I", "code": "005"}, S.IN_TRANSIT, "005"),  # a 3-digit code: no activity
        ({"type": "I", "statusCode": "021"}, S.OUT_FOR_DELIVERY, "I"),  # refines the letter
        ({"type": "X", "statusCode": "022"}, S.ATTEMPT_FAILED, "X"),
        ({"type": "I", "code": "OT", "statusCode": "021"}, S.OUT_FOR_DELIVERY, "OT"),
    ],
)
def test_ups_status_codes_are_read_as_status_codes(entry, status, code):
    assert read_status(entry) == (status, code)


def test_an_unmapped_ups_status_code_is_unknown_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="carriers.ups"):
        assert read_status({"code": "987", "description": "Something new"}) == (S.UNKNOWN, "987")
    assert "'987'" in caplog.text
    assert read_status({"description": "words only"}) is None


T0 = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
BEFORE, AFTER = T0 - timedelta(hours=2), T0 + timedelta(hours=2)


def event(status: TrackingStatus, at: datetime = T0) -> CarrierEvent:
    return CarrierEvent(occurred_at=at, status=status, code="E", description="event")


@pytest.mark.parametrize(
    ("summary", "newest", "chosen", "stale"),
    [
        # Without a time on the summary the one further along wins; level → the event.
        (Reading(S.IN_TRANSIT), event(S.EXCEPTION), S.EXCEPTION, False),
        (Reading(S.EXCEPTION), event(S.IN_TRANSIT), S.IN_TRANSIT, False),
        (Reading(S.ATTEMPT_FAILED), event(S.OUT_FOR_DELIVERY), S.ATTEMPT_FAILED, False),
        (Reading(S.RETURNED), event(S.DELIVERED), S.RETURNED, False),
        (Reading(S.CANCELLED), event(S.PRE_TRANSIT), S.CANCELLED, False),
        (Reading(S.UNKNOWN), event(S.PRE_TRANSIT), S.PRE_TRANSIT, False),
        (Reading(S.PRE_TRANSIT), event(S.UNKNOWN), S.PRE_TRANSIT, False),
        # With one, the newer wins, unless a ranked status would move down.
        (Reading(S.EXCEPTION, at=BEFORE), event(S.IN_TRANSIT), S.IN_TRANSIT, True),
        (Reading(S.EXCEPTION, at=AFTER), event(S.IN_TRANSIT), S.EXCEPTION, False),
        (Reading(S.DELIVERED, at=BEFORE), event(S.IN_TRANSIT), S.DELIVERED, False),
        (Reading(S.DELIVERED, at=BEFORE), event(S.RETURNED), S.RETURNED, True),
        (Reading(OFD, at=BEFORE), event(S.IN_TRANSIT), OFD, False),
    ],
)  # fmt: skip
def test_choose_reading_rules(summary, newest, chosen, stale):
    reading, is_stale = choose_reading("test", summary, newest)

    assert (reading.status, is_stale) == (chosen, stale)


def test_without_a_summary_or_events_nothing_disagrees():
    assert choose_reading("test", None, event(S.IN_TRANSIT))[0].status is S.IN_TRANSIT
    assert choose_reading("test", Reading(S.DELIVERED), None)[0].status is S.DELIVERED
    assert choose_reading("test", None, None)[0].status is S.UNKNOWN
