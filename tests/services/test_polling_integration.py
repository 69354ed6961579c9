"""The poller end to end against the emulator: delays caught, storms survived, quota spent well."""

from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import time_machine
from sqlalchemy import func, select

from carriers import get_carrier
from carriers.emulator import make_tracking_number, start_background
from portal.jobs.tasks import run_tick_inline
from portal.models import Notification, Shipment, ShipmentChange, TrackingEvent
from tests.clock import frozen_clock_at

START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # a Saturday; the promise is Tuesday 24 Nov


# Orders are created due at START whatever today is; each tick_at moves on from there.
frozen_clock = frozen_clock_at(START)


@pytest.fixture
def real_time_emulator():
    running = start_background(port=0, speed=1.0)
    yield running
    running.stop()


@pytest.fixture
def extra_settings() -> dict[str, str]:
    return {}


@pytest.fixture
def app(make_app, real_time_emulator, extra_settings):
    return make_app(
        CARRIER_UPS_BASE_URL=real_time_emulator.url,
        CARRIER_UPS_CLIENT_ID="demo",
        CARRIER_UPS_CLIENT_SECRET="demo",
        **extra_settings,
    )


@pytest.fixture
def sleeps(app, real_time_emulator):
    """The UPS client records the waits it asks for instead of sleeping through them."""
    recorded: list[float] = []
    settings = app.config["CARRIERS"]["ups"]
    app.extensions["carriers"]["ups"] = get_carrier("ups", settings, sleep=recorded.append)
    return recorded


def order_for(make_merchant, make_order, scenario: str, count: int = 1):
    acme = make_merchant("acme", "Acme Outdoor")
    for seq in range(count):
        number = make_tracking_number("ups", scenario, START, seq)
        make_order(acme, order_number=f"{scenario}-{seq}", shipments=[("ups", number)])


def tick_at(db, moment: datetime):
    with time_machine.travel(moment, tick=False):
        stats = run_tick_inline()
    db.session.rollback()
    return stats


def delayed_mails(db) -> list[str]:
    query = select(Notification.dedupe_key).where(
        Notification.trigger == "delayed", Notification.channel == "email"
    )
    return db.session.scalars(query).all()


def test_a_parcel_stuck_past_its_promised_date_is_late_and_told_once(
    db, make_merchant, make_order, sleeps
):
    order_for(make_merchant, make_order, "stale")
    tick_at(db, START + timedelta(hours=78))  # Tuesday, the promised day: not late yet
    shipment = db.session.scalar(select(Shipment))
    assert shipment.promised_date == date(2026, 11, 24)
    assert shipment.delayed is False and delayed_mails(db) == []

    stats = tick_at(db, datetime(2026, 11, 25, 14, 0, tzinfo=UTC))  # Wednesday morning in NY
    shipment = db.session.scalar(select(Shipment))
    assert shipment.delayed is True and shipment.delay_reason == "late"
    assert "Tuesday 24 November" in shipment.delay_explanation
    assert "Arrived at Facility" in shipment.delay_explanation  # the last scan
    assert stats.delayed == 1
    assert len(delayed_mails(db)) == 1

    tick_at(db, datetime(2026, 11, 26, 14, 0, tzinfo=UTC))  # still late, same promise: no new mail
    assert len(delayed_mails(db)) == 1


def test_carrier_reported_delay_then_late_delivery(db, make_merchant, make_order, sleeps):
    order_for(make_merchant, make_order, "late")
    tick_at(db, START + timedelta(hours=70))
    assert db.session.scalar(select(Shipment.delayed)) is False

    tick_at(db, START + timedelta(hours=82))  # the carrier says "running late" with a new date
    shipment = db.session.scalar(select(Shipment))
    assert shipment.delayed is True and shipment.delay_reason == "carrier_delay"
    assert shipment.promised_date == date(2026, 11, 25)
    assert shipment.first_promised_date == date(2026, 11, 24)
    assert len(delayed_mails(db)) == 1 and delayed_mails(db)[0].endswith("2026-11-25")

    tick_at(db, START + timedelta(hours=96))
    shipment = db.session.scalar(select(Shipment))
    assert shipment.status == "delivered" and shipment.delayed is False
    assert shipment.delivered_late is True
    history = db.session.execute(
        select(ShipmentChange.kind, ShipmentChange.old_value, ShipmentChange.new_value).order_by(
            ShipmentChange.id
        )
    ).all()
    assert ("status", "unknown", "in_transit") in history
    assert ("delay", None, "carrier_delay") in history
    assert ("status", "in_transit", "delivered") in history
    assert history[-1] == ("delay", "carrier_delay", None)


def test_a_promise_moved_before_the_first_poll_is_rescheduled_on_that_poll(
    db, make_merchant, make_order, sleeps
):
    order_for(make_merchant, make_order, "rescheduled")
    tick_at(db, START + timedelta(hours=40))  # UPS moved the date at 30: SDD 24, RDD 25 Nov

    shipment = db.session.scalar(select(Shipment))
    assert shipment.status == "in_transit" and shipment.carrier_status_code == "DP"
    assert (shipment.first_promised_date, shipment.promised_date) == (
        date(2026, 11, 24),
        date(2026, 11, 25),
    )
    assert shipment.delayed is True and shipment.delay_reason == "rescheduled"
    assert shipment.delay_explanation.startswith(
        "The carrier first promised Tuesday 24 November and now expects Wednesday 25 November."
    )
    [mail] = delayed_mails(db)  # the shopper hears of the new date once
    assert mail.endswith("2026-11-25")


def test_a_parcel_first_seen_delivered_after_its_first_promise_was_delivered_late(
    db, make_merchant, make_order, sleeps
):
    order_for(make_merchant, make_order, "late")
    tick_at(db, START + timedelta(hours=100))  # delivered at 95 on the 25th; SDD the 24th

    shipment = db.session.scalar(select(Shipment))
    assert shipment.status == "delivered" and shipment.delayed is False
    assert shipment.first_promised_date == date(2026, 11, 24)
    assert shipment.delivered_late is True


def test_a_500_storm_changes_nothing_but_the_next_poll_and_polling_resumes(
    db, make_merchant, make_order, real_time_emulator, sleeps
):
    order_for(make_merchant, make_order, "normal", count=4)
    faults = f"{real_time_emulator.url}/_emulator/faults"
    requests.post(faults, json={"mode": "500", "count": 1000})
    moment = START + timedelta(hours=30)
    stats = tick_at(db, moment)
    assert stats.polled == 4 and stats.failed == 4
    assert sleeps and max(sleeps) <= 4.0  # jittered backoff between attempts, capped
    shipments = db.session.scalars(select(Shipment)).all()
    assert {s.status for s in shipments} == {"unknown"}
    assert db.session.scalar(select(func.count()).select_from(TrackingEvent)) == 0
    assert all(
        s.poll_failures == 1 and s.next_poll_at >= moment + timedelta(minutes=4) for s in shipments
    )
    assert tick_at(db, moment + timedelta(minutes=1)).claimed == 0  # backing off

    requests.post(faults, json={"mode": "none"})
    stats = tick_at(db, moment + timedelta(minutes=6))
    assert stats.polled == 4 and stats.failed == 0
    shipments = db.session.scalars(select(Shipment)).all()
    assert {s.status for s in shipments} == {"in_transit"} and all(
        s.poll_failures == 0 for s in shipments
    )


def test_429_retry_after_is_honoured(db, make_merchant, make_order, real_time_emulator, sleeps):
    order_for(make_merchant, make_order, "normal", count=2)
    requests.post(
        f"{real_time_emulator.url}/_emulator/faults",
        json={"mode": "429", "count": 1000, "retry_after": 3600},
    )
    moment = START + timedelta(hours=30)
    stats = tick_at(db, moment)
    assert stats.failed == 2
    for shipment in db.session.scalars(select(Shipment)):
        assert shipment.last_error.startswith("rate_limited")
        assert shipment.next_poll_at >= moment + timedelta(minutes=54)  # Retry-After, jittered


TODAY = date(2026, 11, 22)
PLAN = [
    ("in_transit", TODAY + timedelta(days=5)),  # long-haul legs: last
    ("in_transit", TODAY + timedelta(days=6)),
    ("out_for_delivery", TODAY),
    ("in_transit", TODAY),  # due today
    ("exception", TODAY + timedelta(days=2)),
    ("in_transit", TODAY + timedelta(days=4)),
    ("out_for_delivery", TODAY),
    ("pre_transit", None),
    ("in_transit", TODAY),
]


def plan_shipments(db, make_merchant, make_order, plan) -> list[Shipment]:
    """One emulator shipment per (status, promised date), in that order, all due at START."""
    order_for(make_merchant, make_order, "normal", count=len(plan))
    shipments = db.session.scalars(select(Shipment).order_by(Shipment.id)).all()
    for shipment, (status, promised) in zip(shipments, plan, strict=True):
        shipment.status, shipment.promised_date = status, promised
    db.session.commit()
    return shipments


def polled_at(db, moment: datetime) -> set[int]:
    query = select(Shipment.id).where(Shipment.last_polled_at == moment)
    return set(db.session.scalars(query))


@pytest.mark.parametrize("extra_settings", [{"CARRIER_UPS_DAILY_QUOTA": "3"}])
def test_a_short_quota_goes_to_the_parcels_that_matter(db, make_merchant, make_order, sleeps):
    shipments = plan_shipments(db, make_merchant, make_order, PLAN)
    urgent = {shipments[2].id, shipments[4].id, shipments[6].id}

    moment = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    stats = tick_at(db, moment)
    assert stats.polled == 3
    assert polled_at(db, moment) == urgent
    with time_machine.travel(moment, tick=False):
        from portal.services.polling import quota_usage

        assert quota_usage()["ups"] == (3, 3)
    assert tick_at(db, moment + timedelta(hours=1)).claimed == 0  # spent for today
    # A new day, a new quota: the ones due today come next.
    stats = tick_at(db, datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    assert stats.polled == 3


@pytest.mark.parametrize("extra_settings", [{"CARRIER_UPS_HOURLY_QUOTA": "3"}])
def test_a_short_hourly_quota_goes_to_the_parcels_that_matter(
    db, make_merchant, make_order, sleeps
):
    shipments = plan_shipments(db, make_merchant, make_order, PLAN)
    urgent = {shipments[2].id, shipments[4].id, shipments[6].id}
    due_today = {shipments[3].id, shipments[8].id}

    moment = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert tick_at(db, moment).polled == 3
    assert polled_at(db, moment) == urgent
    with time_machine.travel(moment, tick=False):
        from portal.services.quota import hourly_usage

        assert hourly_usage(moment)["ups"] == (3, 3)
    assert tick_at(db, moment + timedelta(minutes=59, seconds=59)).claimed == 0  # spent
    # A new hour, a new window: the vans again (every 30 minutes), then what is due today;
    # the long-haul legs still wait.
    next_hour = moment + timedelta(hours=1)
    assert tick_at(db, next_hour).polled == 3
    polled = polled_at(db, next_hour)
    assert {shipments[2].id, shipments[6].id} < polled < urgent | due_today


@pytest.mark.parametrize("extra_settings", [{"CARRIER_UPS_HOURLY_QUOTA": "8"}])
def test_routine_polls_leave_a_reserve_for_a_parcel_that_turns_urgent(
    db, make_merchant, make_order, sleeps
):
    """At the top of the hour a quarter of the window is held back; a parcel that reaches a
    pickup point at :10 gets it, and what nobody claimed is spent before the hour ends."""
    long_haul = [("in_transit", TODAY + timedelta(days=5))] * 10
    shipments = plan_shipments(db, make_merchant, make_order, [*long_haul, ("in_transit", None)])
    pickup = shipments[-1]
    pickup.status = "available_for_pickup"
    pickup.next_poll_at = datetime(2026, 11, 22, 15, 10, tzinfo=UTC)
    db.session.commit()

    hour = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert tick_at(db, hour).polled == 6  # 8 less the reserve of 2
    ten_past = hour + timedelta(minutes=10)
    assert tick_at(db, ten_past).polled == 1
    assert polled_at(db, ten_past) == {pickup.id}
    assert tick_at(db, hour + timedelta(minutes=30)).claimed == 0  # the last call held back
    assert tick_at(db, hour + timedelta(minutes=59)).polled == 1  # the reserve has melted
    assert tick_at(db, hour + timedelta(hours=1)).polled == 3  # the last long-haul legs
