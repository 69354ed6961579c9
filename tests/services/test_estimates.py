"""Porchlight's own estimate from the merchant's delivered history, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import event

from portal.models import TrackingEvent
from portal.services import estimates
from portal.services.estimates import clear_estimate_cache, percentile, predict_delivery
from portal.services.workdays import add_working_days

NOW = datetime(2026, 6, 17, 12, tzinfo=UTC)  # a Wednesday
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
SHIPPED = datetime(2026, 6, 15, 9, tzinfo=LOS_ANGELES)  # Monday morning
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen_now_and_cold_cache():
    clear_estimate_cache()
    with time_machine.travel(NOW, tick=False):
        yield
    clear_estimate_cache()


@pytest.fixture
def merchant(make_merchant):
    return make_merchant()


@pytest.fixture
def deliver(db, make_order):
    """Seed delivered shipments of one order, each `transit_days` working days long."""

    def seed(
        merchant,
        transit_days,
        carrier="ups",
        service="UPS Ground",
        country="US",
        region="CA",
        days_ago=30,
        status="delivered",
    ):
        tz = {"CA": LOS_ANGELES}.get(region, NEW_YORK)
        numbers = [f"1ZHIST{next(_numbers):08d}" for _ in transit_days]
        order = make_order(
            merchant,
            order_number=f"H{next(_numbers)}",
            shipments=[(carrier, number) for number in numbers],
            ship_country=country,
            ship_region=region,
        )
        started = datetime.combine(
            (NOW - timedelta(days=days_ago)).date(), datetime.min.time(), tzinfo=tz
        ).replace(hour=8)
        for shipment, days in zip(order.shipments, transit_days, strict=True):
            delivered_at = add_working_days(started, days, tz)
            shipment.status = status
            shipment.service = service
            shipment.delivered_at = delivered_at
            # The label and a later in_transit scan must not count: transit starts at the first.
            for when, event_status in (
                (started - timedelta(days=2), "pre_transit"),
                (started, "in_transit"),
                (started + timedelta(hours=3), "in_transit"),
                (delivered_at, "delivered"),
            ):
                db.session.add(
                    TrackingEvent(
                        merchant_id=merchant.id,
                        shipment_id=shipment.id,
                        event_key=f"{shipment.id}-{when.isoformat()}",
                        occurred_at=when,
                        status=event_status,
                        description=event_status,
                    )
                )
        db.session.commit()
        return order

    return seed


@pytest.fixture
def statements(db):
    """The SQL statements run while the test watches, BEGINs left out."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def predict(merchant, carrier="ups", service="UPS Ground", country="US", region="CA", **extra):
    return predict_delivery(
        merchant.id, carrier, service, country, region, SHIPPED, LOS_ANGELES, **extra
    )


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 26)), 0.8) == 20
    assert percentile([3.0], 0.8) == 3.0
    assert percentile([5, 1, 4, 2, 3], 0.8) == 4
    with pytest.raises(ValueError):
        percentile([], 0.8)


def test_predicts_the_80th_percentile_of_service_deliveries_to_the_region(
    db, merchant, deliver, statements
):
    deliver(merchant, range(1, 26))  # 25 parcels, 1 to 25 working days
    db.session.refresh(merchant)
    statements.clear()
    estimate = predict(merchant)
    assert estimate == {
        "date": add_working_days(SHIPPED, 20, LOS_ANGELES).date().isoformat(),
        "window_start": None,
        "window_end": None,
        "source": "porchlight",
        "basis": "based on 25 recent UPS Ground deliveries to CA",
    }
    assert estimate["date"] == "2026-07-08"  # 20 working days: Sundays skipped
    assert len(statements) == 1, statements


def test_transit_is_measured_from_the_first_in_transit_scan(merchant, deliver):
    deliver(merchant, [2] * 20)
    estimate = predict(merchant)
    assert estimate["date"] == date(2026, 6, 17).isoformat()  # Monday 09:00 + 2 working days


def test_region_names_and_codes_match_each_other(merchant, deliver):
    deliver(merchant, [3] * 20, region="California")
    assert predict(merchant, region="ca")["basis"] == (
        "based on 20 recent UPS Ground deliveries to CA"
    )


def test_too_few_to_the_region_falls_back_to_the_country(merchant, deliver):
    deliver(merchant, [2] * 10)
    deliver(merchant, [4] * 12, region="NY")
    estimate = predict(merchant)
    assert estimate["basis"] == "based on 22 recent UPS Ground deliveries to United States"
    assert estimate["date"] == add_working_days(SHIPPED, 4, LOS_ANGELES).date().isoformat()


def test_service_anywhere_before_every_service_to_the_region(merchant, deliver):
    deliver(merchant, [2] * 20, service="UPS Next Day Air")
    deliver(merchant, [3] * 20, country="CA", region="ON")
    assert predict(merchant)["basis"] == "based on 20 recent UPS Ground deliveries"


def test_too_few_of_the_service_falls_back_to_the_carrier(merchant, deliver):
    deliver(merchant, [1] * 15, service="UPS Next Day Air")
    deliver(merchant, [5] * 6)
    estimate = predict(merchant)
    assert estimate["basis"] == "based on 21 recent UPS deliveries to CA"


def test_only_this_merchants_recent_delivered_parcels_of_this_carrier_count(
    merchant, make_merchant, deliver
):
    other = make_merchant("other")
    deliver(other, [2] * 20)
    deliver(merchant, [2] * 20, carrier="fedex", service="FedEx Ground")
    deliver(merchant, [2] * 20, days_ago=200)
    deliver(merchant, [2] * 20, status="returned")
    estimate = predict(merchant)
    assert estimate["basis"] == "typical for UPS Ground"
    assert estimate["date"] == add_working_days(SHIPPED, 5, LOS_ANGELES).date().isoformat()


def test_carrier_defaults_by_service_and_for_international(merchant):
    assert predict(merchant, carrier="dhl", service=None)["basis"] == "typical for DHL"
    dhl = predict(merchant, carrier="dhl", service="Express Worldwide")
    assert dhl["basis"] == "typical for DHL Express Worldwide"
    assert dhl["date"] == add_working_days(SHIPPED, 3, LOS_ANGELES).date().isoformat()
    abroad = predict(merchant, country="CA", region="ON", origin_country="US")
    assert abroad["basis"] == "typical for UPS Ground international"
    assert abroad["date"] == add_working_days(SHIPPED, 10, LOS_ANGELES).date().isoformat()
    usps = predict(merchant, carrier="usps", service="Priority Mail")
    assert usps["date"] == add_working_days(SHIPPED, 3, LOS_ANGELES).date().isoformat()


def test_unknown_carrier_without_history_has_no_estimate(merchant):
    assert predict(merchant, carrier="ontrac", service=None) is None


def test_an_estimate_never_lands_on_a_sunday(merchant):
    saturday_morning = datetime(2026, 6, 13, 0, tzinfo=LOS_ANGELES)
    estimate = predict_delivery(merchant.id, "ups", None, "US", "CA", saturday_morning, LOS_ANGELES)
    assert estimate["date"] == "2026-06-19"  # Saturday 00:00 + 5 working days: Friday
    # Exactly one working day from Saturday 00:00 ends as Saturday ends: shown as Monday.
    estimates.CARRIER_DEFAULT_DAYS["test"] = 1
    try:
        sunday_edge = predict_delivery(
            merchant.id, "test", None, "US", "CA", saturday_morning, LOS_ANGELES
        )
    finally:
        del estimates.CARRIER_DEFAULT_DAYS["test"]
    assert sunday_edge["date"] == "2026-06-15"


def test_history_is_cached_for_an_hour(db, merchant, deliver, statements, monkeypatch):
    deliver(merchant, [2] * 20)
    db.session.refresh(merchant)
    clock = [1000.0]
    monkeypatch.setattr(estimates, "_monotonic", lambda: clock[0])
    statements.clear()
    first = predict(merchant)
    assert len(statements) == 1
    deliver(merchant, [9] * 100)
    db.session.refresh(merchant)
    statements.clear()
    assert predict(merchant) == first
    assert predict(merchant, region="NY")["basis"].startswith("based on 20 recent")
    assert statements == []  # the carrier's history is cached too, for any destination
    clock[0] += estimates.CACHE_SECONDS
    assert predict(merchant)["basis"] == "based on 120 recent UPS Ground deliveries to CA"
    assert len(statements) == 1


def test_clearing_the_cache_reads_again(db, merchant, deliver, statements):
    assert predict(merchant)["basis"] == "typical for UPS Ground"
    deliver(merchant, [2] * 20)
    assert predict(merchant)["basis"] == "typical for UPS Ground"
    clear_estimate_cache()
    db.session.refresh(merchant)
    statements.clear()
    assert predict(merchant)["basis"] == "based on 20 recent UPS Ground deliveries to CA"
    assert len(statements) == 1
