"""Delay rules of SPEC §6: which one holds, which one wins, and the words that explain it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.services.delays import (
    PRIORITY,
    DelayFacts,
    DelayReason,
    DelaySettings,
    assess_delay,
    delivered_late,
    format_day,
)

NEW_YORK = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def facts(**changes) -> DelayFacts:
    """A parcel in transit, promised Thursday 26 November 2026, last scanned Wednesday."""
    base = DelayFacts(
        status="in_transit",
        promised_date=date(2026, 11, 26),
        first_promised_date=date(2026, 11, 26),
        promise_source="carrier",
        last_scan_at=ny(2026, 11, 25, 20, 10),
        last_scan_description="Departed facility",
        last_scan_place="Louisville, KY",
        label_created_at=ny(2026, 11, 23, 9),
        carrier_delay=None,
        destination_tz=NEW_YORK,
        destination_name="Rochester",
    )
    return replace(base, **changes)


def test_on_time_parcel_is_not_delayed():
    assessment = assess_delay(facts(), ny(2026, 11, 26, 9))
    assert not assessment.delayed
    assert assessment.reason is None and assessment.explanation is None


def test_late_once_the_promised_day_has_passed_locally():
    assessment = assess_delay(facts(), ny(2026, 11, 27, 9))
    assert assessment.delayed and assessment.reason == "late"
    assert assessment.explanation == (
        "The carrier promised Thursday 26 November; it is now Friday 27 November in "
        "Rochester's time zone and the parcel has not been delivered. Last scan: Departed "
        "facility, Louisville, KY, Wednesday 25 November 20:10."
    )
    assert assessment.new_date is None


def test_late_is_judged_by_the_destination_calendar_not_utc():
    # 23:30 in New York on the promised day is already the next day in UTC.
    now = ny(2026, 11, 26, 23, 30)
    assert now.astimezone(UTC).date() == date(2026, 11, 27)
    assert not assess_delay(facts(), now).delayed
    assert assess_delay(facts(), ny(2026, 11, 27, 0, 0)).reason == "late"


def test_our_own_estimate_is_explained_as_ours():
    assessment = assess_delay(facts(promise_source="porchlight"), ny(2026, 11, 28, 9))
    assert assessment.reason == "late"
    assert assessment.explanation.startswith("We estimated Thursday 26 November;")


def test_rescheduled_when_the_carrier_moves_its_date_later():
    moved = facts(promised_date=date(2026, 11, 30))
    assessment = assess_delay(moved, ny(2026, 11, 26, 9))
    assert assessment.reason == "rescheduled"
    assert assessment.new_date == date(2026, 11, 30)
    assert "first promised Thursday 26 November and now expects Monday 30 November" in (
        assessment.explanation
    )


def test_an_earlier_carrier_date_or_our_own_revision_is_not_rescheduled():
    earlier = facts(promised_date=date(2026, 11, 25), first_promised_date=date(2026, 11, 26))
    assert not assess_delay(earlier, ny(2026, 11, 25, 9)).delayed
    ours = facts(promised_date=date(2026, 11, 30), promise_source="porchlight")
    assert not assess_delay(ours, ny(2026, 11, 26, 9)).delayed


def test_stale_after_72_working_hours_without_a_scan():
    quiet = facts(promised_date=date(2026, 12, 10), first_promised_date=date(2026, 12, 10))
    scan = quiet.last_scan_at  # Wednesday 20:10
    # Wed 3h50 + Thu 24 + Fri 24 + Sat 24 = 75h50 by Sunday; 72 h is reached Saturday 20:10.
    assert not assess_delay(quiet, ny(2026, 11, 28, 20, 9)).delayed
    assessment = assess_delay(quiet, ny(2026, 11, 28, 20, 10))
    assert assessment.reason == "stale"
    assert assessment.new_date == date(2026, 12, 10)
    assert "No new scan for 72 working hours (Monday to Saturday, in Rochester's time zone)" in (
        assessment.explanation
    )
    assert scan.strftime("%H:%M") in assessment.explanation


def test_a_quiet_sunday_is_not_a_delay():
    saturday_scan = facts(
        last_scan_at=ny(2026, 11, 28, 18),
        promised_date=date(2026, 12, 4),
        first_promised_date=date(2026, 12, 4),
    )
    # Saturday 18:00 → Monday 10:00 is 40 wall-clock hours but only 16 working hours.
    assert not assess_delay(saturday_scan, ny(2026, 11, 30, 10)).delayed
    # Even at 72 wall-clock hours (Tuesday 18:00) it is only 48 working hours.
    assert not assess_delay(saturday_scan, ny(2026, 12, 1, 18)).delayed
    assert assess_delay(saturday_scan, ny(2026, 12, 2, 18)).reason == "stale"


def test_merchant_threshold_changes_stale():
    quiet = facts(promised_date=None, first_promised_date=None)
    now = ny(2026, 11, 27, 9)  # 36h50 working hours after the scan
    assert not assess_delay(quiet, now).delayed
    assert assess_delay(quiet, now, DelaySettings(stale_hours=24)).reason == "stale"


def test_out_for_delivery_goes_stale_after_one_working_day():
    out = facts(status="out_for_delivery", last_scan_at=ny(2026, 11, 26, 7), promised_date=None)
    assert not assess_delay(out, ny(2026, 11, 26, 21)).delayed
    assessment = assess_delay(out, ny(2026, 11, 27, 7))
    assert assessment.reason == "stale"
    assert "the limit is 24" in assessment.explanation


@pytest.mark.parametrize("status", ["exception", "attempt_failed"])
def test_stuck_side_statuses_go_stale(status):
    stuck = facts(status=status, promised_date=None)
    assert assess_delay(stuck, ny(2026, 12, 1, 9)).reason == "stale"


def test_a_failed_attempt_on_the_promised_day_is_not_late():
    attempt = facts(status="attempt_failed", last_scan_at=ny(2026, 11, 26, 14))
    assert not assess_delay(attempt, ny(2026, 11, 27, 9)).delayed
    too_late = facts(status="attempt_failed", last_scan_at=ny(2026, 11, 27, 14))
    assert assess_delay(too_late, ny(2026, 11, 28, 9)).reason == "late"


def test_label_limbo_after_48_working_hours_in_pre_transit():
    label = ny(2026, 11, 27, 9)  # Friday
    limbo = facts(
        status="pre_transit",
        promised_date=None,
        first_promised_date=None,
        label_created_at=label,
        last_scan_at=label,
        last_scan_description="Shipper created a label",
        last_scan_place=None,
    )
    # Friday 15h + Saturday 24h = 39h by Sunday; Monday 09:00 makes 48.
    assert not assess_delay(limbo, ny(2026, 11, 30, 8, 59)).delayed
    assessment = assess_delay(limbo, ny(2026, 11, 30, 9))
    assert assessment.reason == "label_limbo"
    assert assessment.explanation == (
        "The shipping label was created Friday 27 November 09:00, but the carrier has not "
        "scanned the parcel in 48 working hours (Monday to Saturday, in Rochester's time "
        "zone); the limit is 48. Last scan: Shipper created a label, Friday 27 November 09:00."
    )


def test_an_unknown_number_with_a_label_is_in_limbo_too():
    unknown = facts(status="unknown", promised_date=None, last_scan_at=None)
    assessment = assess_delay(unknown, ny(2026, 11, 26, 9))
    assert assessment.reason == "label_limbo"
    assert assessment.explanation.endswith("No scan yet.")
    assert not assess_delay(replace(unknown, label_created_at=None), ny(2026, 11, 26, 9)).delayed


def test_pre_transit_is_never_stale_only_in_limbo():
    limbo = facts(status="pre_transit", promised_date=None, label_created_at=ny(2026, 11, 25, 20))
    assert not assess_delay(limbo, ny(2026, 11, 27, 9)).delayed


def test_carrier_reported_delay():
    weather = facts(carrier_delay="Weather delay in Louisville, KY.")
    assessment = assess_delay(weather, ny(2026, 11, 25, 22))
    assert assessment.reason == "carrier_delay"
    assert assessment.explanation.startswith(
        "The carrier reports a delay: Weather delay in Louisville, KY. "
        "The carrier promised Thursday 26 November."
    )
    assert assessment.new_date == date(2026, 11, 26)
    assert not assess_delay(facts(carrier_delay="  "), ny(2026, 11, 25, 22)).delayed


def test_priority_carrier_delay_then_late_then_rescheduled_then_stale_then_limbo():
    assert PRIORITY == (
        DelayReason.CARRIER_DELAY,
        DelayReason.LATE,
        DelayReason.RESCHEDULED,
        DelayReason.STALE,
        DelayReason.LABEL_LIMBO,
    )
    everything = facts(
        promised_date=date(2026, 11, 27),
        carrier_delay="Operational delay",
        last_scan_at=ny(2026, 11, 20, 9),
    )
    now = ny(2026, 11, 28, 9)
    assert assess_delay(everything, now).reason == "carrier_delay"
    no_carrier_word = replace(everything, carrier_delay=None)
    assert assess_delay(no_carrier_word, now).reason == "late"
    in_future = replace(no_carrier_word, promised_date=date(2026, 12, 2))
    assert assess_delay(in_future, now).reason == "rescheduled"
    same_promise = replace(in_future, first_promised_date=date(2026, 12, 2))
    assert assess_delay(same_promise, now).reason == "stale"


def test_delay_clears_when_progress_resumes_on_time():
    quiet = facts(promised_date=date(2026, 12, 10), first_promised_date=date(2026, 12, 10))
    now = ny(2026, 11, 30, 12)
    assert assess_delay(quiet, now).reason == "stale"
    resumed = replace(quiet, last_scan_at=ny(2026, 11, 30, 11), last_scan_description="Arrived")
    assert not assess_delay(resumed, now).delayed


@pytest.mark.parametrize(
    "status", ["delivered", "returned", "cancelled", "expired", "available_for_pickup"]
)
def test_finished_or_waiting_parcels_are_never_delayed(status):
    everything = facts(status=status, carrier_delay="Weather", last_scan_at=ny(2026, 11, 1))
    assert not assess_delay(everything, ny(2026, 12, 20)).delayed


def test_a_delivery_time_means_delivered_whatever_the_status_says():
    late = facts(delivered_at=ny(2026, 11, 27, 9))
    assert not assess_delay(late, ny(2026, 11, 28, 9)).delayed


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        assess_delay(facts(status="lost"), ny(2026, 11, 26))


def test_explanation_without_a_destination_name_says_locally():
    assessment = assess_delay(facts(destination_name=None), ny(2026, 11, 27, 9))
    assert "it is now Friday 27 November locally" in assessment.explanation


def test_times_in_the_explanation_are_the_destinations():
    la = ZoneInfo("America/Los_Angeles")
    west = facts(destination_tz=la, last_scan_at=datetime(2026, 11, 26, 4, 10, tzinfo=UTC))
    assessment = assess_delay(west, datetime(2026, 11, 27, 9, tzinfo=la))
    assert "Wednesday 25 November 20:10." in assessment.explanation


def test_format_day():
    assert format_day(date(2026, 11, 26)) == "Thursday 26 November"
    assert format_day(date(2026, 3, 1)) == "Sunday 1 March"


def test_delivered_late_by_first_promise_in_destination_calendar():
    first = date(2026, 11, 26)
    assert not delivered_late(first, ny(2026, 11, 26, 23, 59), NEW_YORK)
    assert delivered_late(first, ny(2026, 11, 27, 0, 1), NEW_YORK)
    # 03:00 UTC on the 27th is still the 26th in New York.
    assert not delivered_late(first, datetime(2026, 11, 27, 3, tzinfo=UTC), NEW_YORK)
    assert not delivered_late(None, ny(2026, 12, 1), NEW_YORK)
    assert not delivered_late(first, None, NEW_YORK)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, DelaySettings()),
        ({}, DelaySettings()),
        ({"delays": "fast"}, DelaySettings()),
        ({"delays": {"stale_hours": 48}}, DelaySettings(stale_hours=48.0)),
        (
            {"delays": {"stale_hours": 96.5, "label_limbo_hours": 24}},
            DelaySettings(stale_hours=96.5, label_limbo_hours=24.0),
        ),
        ({"delays": {"stale_hours": 0}}, DelaySettings()),
        ({"delays": {"stale_hours": -5}}, DelaySettings()),
        ({"delays": {"stale_hours": "72"}}, DelaySettings()),
        ({"delays": {"stale_hours": True}}, DelaySettings()),
        ({"delays": {"stale_hours": float("nan")}}, DelaySettings()),
        ({"delays": {"stale_hours": 1e9, "label_limbo_hours": 30}}, DelaySettings(72.0, 30.0)),
    ],
)
def test_settings_from_merchant_validate_and_fall_back(stored, expected):
    assert DelaySettings.from_merchant(stored) == expected


def test_weekend_rule_uses_the_destination_not_the_scan_timezone():
    # Scanned Saturday 18:00 in New York, which is Sunday 10:00 in Sydney. By Monday 02:00
    # in New York (Monday 18:00 in Sydney) New York counts 6 + 2 working hours, Sydney 18.
    sydney = ZoneInfo("Australia/Sydney")
    base = facts(last_scan_at=ny(2026, 11, 28, 18), promised_date=None, first_promised_date=None)
    now = ny(2026, 11, 30, 2)
    twelve = DelaySettings(stale_hours=12)
    assert not assess_delay(base, now, twelve).delayed
    assert assess_delay(replace(base, destination_tz=sydney), now, twelve).reason == "stale"
