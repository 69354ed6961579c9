"""Carrier working time: Monday to Saturday, in the destination's timezone, across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.workdays import (
    add_working_days,
    add_working_hours,
    working_days_between,
    working_hours_between,
)

NEW_YORK = ZoneInfo("America/New_York")
ZONES = [
    NEW_YORK,
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Lord_Howe"),  # a 30-minute DST shift
    ZoneInfo("America/Santiago"),  # DST changes at local midnight
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("UTC"),
]
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def test_saturday_counts_and_sunday_does_not():
    # Saturday 2026-03-07 18:00 to Monday 2026-03-09 10:00: 6 h Saturday + 10 h Monday.
    assert working_hours_between(ny(2026, 3, 7, 18), ny(2026, 3, 9, 10), NEW_YORK) == 16


def test_a_span_inside_one_sunday_is_zero():
    assert working_hours_between(ny(2026, 3, 8, 0), ny(2026, 3, 9, 0), NEW_YORK) == 0


def test_a_weekday_span_is_wall_time():
    assert working_hours_between(ny(2026, 3, 10, 9), ny(2026, 3, 11, 15), NEW_YORK) == 30


def test_a_working_day_with_a_dst_change_is_23_hours_long():
    jerusalem = ZoneInfo("Asia/Jerusalem")  # DST starts on Friday 2026-03-27 at 02:00
    friday = datetime(2026, 3, 27, tzinfo=jerusalem)
    assert working_hours_between(friday, friday + timedelta(days=1), jerusalem) == 23
    assert add_working_hours(friday, 23, jerusalem) == datetime(2026, 3, 28, tzinfo=jerusalem)


def test_a_short_sunday_still_counts_nothing():
    santiago = ZoneInfo("America/Santiago")  # clocks skip 24:00 Saturday → 01:00 Sunday
    saturday = datetime(2026, 9, 5, tzinfo=santiago)
    tuesday = datetime(2026, 9, 8, tzinfo=santiago)
    assert (tuesday.astimezone(UTC) - saturday.astimezone(UTC)) == timedelta(hours=71)
    assert working_hours_between(saturday, tuesday, santiago) == 48


def test_fall_back_sunday_in_new_york_counts_nothing():
    saturday = ny(2026, 10, 31)
    assert working_hours_between(saturday, ny(2026, 11, 3), NEW_YORK) == 48


def test_mixed_offsets_measure_instants_not_wall_clocks():
    start = datetime(2026, 3, 10, 14, tzinfo=UTC)  # 10:00 in New York
    end = ny(2026, 3, 10, 12)
    assert working_hours_between(start, end, NEW_YORK) == 2


def test_reversed_span_is_negative():
    assert working_hours_between(ny(2026, 3, 11), ny(2026, 3, 10), NEW_YORK) == -24


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        working_hours_between(datetime(2026, 3, 10), ny(2026, 3, 11), NEW_YORK)
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 3, 10), 1, NEW_YORK)


def test_adding_skips_sunday():
    assert add_working_hours(ny(2026, 3, 7, 18), 16, NEW_YORK) == ny(2026, 3, 9, 10)


def test_adding_from_sunday_starts_on_monday():
    assert add_working_hours(ny(2026, 3, 8, 12), 1, NEW_YORK) == ny(2026, 3, 9, 1)
    assert add_working_hours(ny(2026, 3, 8, 12), 0, NEW_YORK) == ny(2026, 3, 8, 12)


def test_working_days_are_24_working_hours():
    friday = ny(2026, 3, 13, 15)
    assert add_working_days(friday, 2, NEW_YORK) == ny(2026, 3, 16, 15)
    assert working_days_between(friday, ny(2026, 3, 16, 15), NEW_YORK) == 2


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(ny(2026, 3, 10), -1, NEW_YORK)


@settings(max_examples=300, deadline=None)
@given(
    start=instants,
    hours=st.floats(min_value=0, max_value=24 * 30, allow_nan=False),
    tz=st.sampled_from(ZONES),
)
def test_add_then_measure_round_trips(start, hours, tz):
    end = add_working_hours(start, hours, tz)
    assert end >= start
    assert working_hours_between(start, end, tz) == pytest.approx(hours, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(start=instants, span=st.floats(min_value=0, max_value=24 * 20), tz=st.sampled_from(ZONES))
def test_working_time_never_exceeds_elapsed_time(start, span, tz):
    end = start + timedelta(hours=span)
    measured = working_hours_between(start, end, tz)
    assert 0 <= measured <= span + 1e-9
    # Over a full week or more, at least six of every seven days count (less an hour of DST).
    if span >= 24 * 7:
        assert measured >= (span // (24 * 7)) * 24 * 6 - 1


@settings(max_examples=200, deadline=None)
@given(
    sunday=st.dates(min_value=datetime(2020, 1, 1).date(), max_value=datetime(2030, 1, 1).date()),
    tz=st.sampled_from(ZONES),
    start_fraction=st.floats(min_value=0, max_value=1),
    end_fraction=st.floats(min_value=0, max_value=1),
)
def test_a_span_containing_only_sunday_is_zero(sunday, tz, start_fraction, end_fraction):
    sunday += timedelta(days=(6 - sunday.weekday()) % 7)
    day_start = datetime.combine(sunday, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    day_end = datetime.combine(
        sunday + timedelta(days=1), datetime.min.time(), tzinfo=tz
    ).astimezone(UTC)
    low, high = sorted((start_fraction, end_fraction))
    start = day_start + (day_end - day_start) * low
    end = day_start + (day_end - day_start) * high
    assert working_hours_between(start, end, tz) == 0


@settings(max_examples=100, deadline=None)
@given(start=instants, a=st.floats(0, 24 * 10), b=st.floats(0, 24 * 10), tz=st.sampled_from(ZONES))
def test_measures_add_up_over_a_midpoint(start, a, b, tz):
    middle = start + timedelta(hours=a)
    end = middle + timedelta(hours=b)
    whole = working_hours_between(start, end, tz)
    parts = working_hours_between(start, middle, tz) + working_hours_between(middle, end, tz)
    assert whole == pytest.approx(parts, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    start=instants.map(lambda moment: moment.replace(minute=0, second=0, microsecond=0)),
    slots=st.integers(min_value=0, max_value=2 * 24 * 10),
    tz=st.sampled_from(ZONES),
)
def test_agrees_with_counting_half_hours_one_by_one(start, slots, tz):
    # Every zone here is offset by whole half hours, so each half hour is all in or all out.
    half_hour = timedelta(minutes=30)
    counted = sum(
        (start + half_hour * slot + half_hour / 2).astimezone(tz).weekday() != 6
        for slot in range(slots)
    )
    assert working_hours_between(start, start + half_hour * slots, tz) == counted / 2
