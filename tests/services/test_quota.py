"""The quota ledger: a daily and a clock-hour window per carrier, shared by every worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db as _db
from portal.models import CarrierHourlyUsage
from portal.services import quota
from tests.services.concurrency import race

ONE_TO_THREE = datetime(2026, 11, 24, 14, 59, 59, 500_000, tzinfo=UTC)  # half a second to 15:00


@pytest.fixture
def app(make_app, request):
    """USPS with 3 requests an hour and 5 a day, unless a test passes its own settings."""
    settings = getattr(request, "param", None)
    return make_app(
        **(settings or {"CARRIER_USPS_HOURLY_QUOTA": "3", "CARRIER_USPS_DAILY_QUOTA": "5"})
    )


def spent(carrier: str, now: datetime) -> tuple[int, int]:
    """(requests today, requests this clock hour) in the ledger, as committed by now."""
    _db.session.rollback()  # a SQLite reader keeps its snapshot until its transaction ends
    return (
        quota.usage_today(now.date()).get(carrier, 0),
        quota.usage_this_hour(now).get(carrier, 0),
    )


def test_the_hour_refuses_past_its_quota_and_resets_at_the_top_of_the_hour(db):
    with time_machine.travel(ONE_TO_THREE, tick=False) as clock:
        quota.spend("usps", 2, utcnow())
        quota.spend("usps", 1, utcnow())
        with pytest.raises(quota.QuotaExhausted) as refused:
            quota.spend("usps", 1, utcnow())
        assert refused.value.window == "hourly"
        assert refused.value.retry_after == 0.5  # until 15:00, not until midnight
        assert str(refused.value) == "usps: hourly quota used up"
        assert spent("usps", utcnow()) == (3, 3)  # the refused request is charged nowhere

        clock.move_to(ONE_TO_THREE + timedelta(seconds=0.5))  # 15:00:00 sharp: a new hour
        quota.spend("usps", 1, utcnow())
        assert spent("usps", utcnow()) == (4, 1)


def test_a_spent_day_refuses_even_with_the_hour_to_spare(db):
    with time_machine.travel(ONE_TO_THREE, tick=False) as clock:
        quota.spend("usps", 3, utcnow())
        clock.move_to(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
        quota.spend("usps", 2, utcnow())
        with pytest.raises(quota.QuotaExhausted) as refused:
            quota.spend("usps", 1, utcnow())
        assert refused.value.window == "daily"
        assert refused.value.retry_after == 8 * 3600  # until midnight UTC
        assert spent("usps", utcnow()) == (5, 2)


def test_a_carrier_without_an_hourly_quota_keeps_no_hourly_ledger(db):
    with time_machine.travel(ONE_TO_THREE, tick=False):
        quota.spend("ups", 7, utcnow())
        quota.spend("usps", 1, utcnow())
        assert spent("ups", utcnow()) == (7, 0)
        assert quota.hourly_usage(utcnow()) == {"usps": (1, 3)}


def test_hourly_counters_older_than_two_days_are_pruned_when_an_hour_starts(db):
    start = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        quota.spend("usps", 1, utcnow())
        clock.move_to(start + timedelta(days=1))
        quota.spend("usps", 1, utcnow())
        clock.move_to(start + timedelta(days=2, hours=1))
        quota.spend("usps", 1, utcnow())
        quota.spend("usps", 1, utcnow())
    hours = db.session.scalars(select(CarrierHourlyUsage.hour).order_by("hour")).all()
    assert hours == [
        datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("minute", "reserve"), [(0, 15), (20, 10), (30, 7), (45, 3), (55, 1), (59, 0)]
)
def test_the_urgent_reserve_is_a_quarter_of_the_hour_and_melts_as_it_runs_out(minute, reserve):
    moment = datetime(2026, 11, 24, 15, minute, 30 if minute == 59 else 0, tzinfo=UTC)
    assert quota.urgent_reserve(60, moment) == reserve


def test_routine_parcels_leave_the_reserve_and_planned_calls_count(db):
    top_of_the_hour = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    with time_machine.travel(top_of_the_hour, tick=False):
        quota.spend("usps", 1, utcnow())
        usps = quota.allowances(utcnow())["usps"]
        assert (usps.urgent, usps.routine) == (2, 2)  # a quarter of 3 rounds down to none
        usps = quota.allowances(utcnow(), planned={"usps": 2})["usps"]
        assert (usps.urgent, usps.routine) == (0, 0)
        ups = quota.allowances(utcnow())["ups"]
        assert (ups.urgent, ups.routine) == (50_000, 50_000)


@pytest.mark.parametrize("app", [{"CARRIER_USPS_HOURLY_QUOTA": "60"}], indirect=True)
def test_the_reserve_holds_back_a_quarter_of_a_fresh_hour(db):
    with time_machine.travel(datetime(2026, 11, 24, 15, 0, tzinfo=UTC), tick=False):
        usps = quota.allowances(utcnow())["usps"]
    assert (usps.urgent, usps.routine) == (60, 45)


def test_workers_spending_at_once_never_pass_the_hour(app, db):
    """Eight threads, each with its own connection, race for a window of 3."""

    def spend_one() -> bool:
        try:
            quota.spend("usps", 1, utcnow())
        except quota.QuotaExhausted:
            return False
        return True

    with time_machine.travel(ONE_TO_THREE - timedelta(minutes=30), tick=False):
        results = race(app, 8, spend_one)
        assert sorted(results) == [False] * 5 + [True] * 3
        assert spent("usps", utcnow()) == (3, 3)
