"""What the tracking page says for each state, from the shopper's point of view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carriers.status import TrackingStatus
from portal.blueprints.tracking.presenter import (
    build_steps,
    lead_shipment,
    masked_destination,
    relative_day,
    summarise,
)
from portal.models import Merchant, Order, Shipment
from tests.web.helpers import eastern

NOW = eastern(2025, 11, 24, 10, 0)  # a Monday


def make_order(*shipments: Shipment) -> Order:
    merchant = Merchant(slug="acme", name="Acme Outdoor", timezone="America/New_York")
    order = Order(order_number="#1042", merchant=merchant, ship_city="Rochester")
    order.shipments = list(shipments)
    return order


def shipment(status: str, **fields) -> Shipment:
    fields.setdefault("carrier", "ups")
    fields.setdefault("tracking_number", "1Z999AA10123456784")
    return Shipment(status=status, delayed=fields.pop("delayed", False), **fields)


def estimate(day: date, **extra) -> dict:
    return {"date": day.isoformat(), "source": "carrier", **extra}


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(
    ("status", "hero"),
    [
        ("unknown", "Waiting for the carrier's first scan"),
        ("pre_transit", "Label created — waiting for the carrier"),
        ("in_transit", "On its way"),
        ("out_for_delivery", "Out for delivery — arriving today"),
        ("available_for_pickup", "Ready for pickup"),
        ("attempt_failed", "We missed you — delivery attempted"),
        ("exception", "There's a problem with the delivery"),
        ("returned", "On its way back to Acme Outdoor"),
        ("cancelled", "This shipment was cancelled"),
        ("expired", "Tracking updates have stopped"),
    ],
)
def test_every_status_has_one_plain_hero_sentence(status, hero):
    assert summarise(make_order(shipment(status)), NOW).hero == hero


def test_unknown_number_is_explained_as_normal_at_first():
    summary = summarise(make_order(shipment("unknown")), NOW)

    assert "that's normal in the first hours" in " ".join(summary.details)


def test_order_without_shipments_is_being_prepared():
    summary = summarise(make_order(), NOW)

    assert summary.hero == "Order received"
    assert [step.state for step in summary.steps] == ["current", "todo", "todo", "todo", "todo"]


def test_in_transit_names_the_day_and_the_window():
    end = eastern(2025, 11, 27, 20, 0)
    order = make_order(
        shipment(
            "in_transit",
            service="UPS Ground",
            estimated_delivery=estimate(date(2025, 11, 27), window_end=end.isoformat()),
        )
    )

    summary = summarise(order, NOW)

    assert summary.hero == "Arriving Thursday, 27 November"
    assert summary.details == ["by 20:00", "UPS Ground"]
    assert summary.estimate_note is None


def test_today_and_tomorrow_are_said_in_words():
    tomorrow = summarise(
        make_order(shipment("in_transit", estimated_delivery=estimate(date(2025, 11, 25)))), NOW
    )

    assert tomorrow.hero == "Arriving tomorrow"
    assert relative_day(date(2025, 11, 24), date(2025, 11, 24)) == "today"


def test_our_own_estimate_is_labelled_as_such():
    order = make_order(
        shipment(
            "in_transit",
            estimated_delivery={"date": "2025-11-27", "source": "porchlight", "basis": None},
        )
    )

    assert summarise(order, NOW).estimate_note == "Our estimate"


def test_a_broken_estimate_is_ignored_not_shown():
    order = make_order(shipment("in_transit", estimated_delivery={"date": "soon"}))

    assert summarise(order, NOW).hero == "On its way"


def test_delivered_says_when_in_local_time_and_who_signed():
    delivered_at = NOW.replace(hour=9, minute=12)
    order = make_order(shipment("delivered", delivered_at=delivered_at, signed_by="M PATEL"))

    summary = summarise(order, NOW)

    assert summary.hero == "Delivered today at 09:12"
    assert "Signed for by M PATEL" in summary.details
    assert summary.help_text.startswith("Not there?")
    assert [step.state for step in summary.steps] == ["done"] * 5


def test_delivered_a_few_days_ago_names_the_day():
    order = make_order(shipment("delivered", delivered_at=NOW - timedelta(days=3)))

    assert summarise(order, NOW).hero == "Delivered on Friday, 21 November"


def test_delay_banner_gives_reason_and_new_date_in_words():
    order = make_order(
        shipment(
            "exception",
            delayed=True,
            delay_reason="late",
            estimated_delivery=estimate(date(2025, 11, 26)),
        )
    )

    delay = summarise(order, NOW).delay

    assert delay.reason == "It's taking longer than the carrier promised."
    assert delay.new_date == "Now expected Wednesday, 26 November."


def test_no_banner_when_on_time():
    assert summarise(make_order(shipment("in_transit")), NOW).delay is None


def test_stepper_marks_the_current_step_and_problems():
    steps = build_steps(TrackingStatus.ATTEMPT_FAILED)

    assert [step.state for step in steps] == ["done", "done", "done", "current", "todo"]
    assert steps[3].problem
    assert build_steps(TrackingStatus.RETURNED) is None


def test_pickup_renames_the_fourth_step():
    assert build_steps(TrackingStatus.AVAILABLE_FOR_PICKUP)[3].label == "Ready for pickup"


def test_hero_follows_the_package_that_needs_attention_first():
    delivered = shipment("delivered", id=1, delivered_at=NOW)
    stuck = shipment("exception", id=2)
    moving = shipment("in_transit", id=3)

    assert lead_shipment([delivered, stuck, moving]) is stuck
    assert lead_shipment([delivered, moving]) is moving


def test_split_order_counts_delivered_packages():
    order = make_order(shipment("delivered", id=1, delivered_at=NOW), shipment("in_transit", id=2))

    assert "1 of 2 packages delivered" in summarise(order, NOW).details


def test_destination_is_masked():
    order = Order(ship_city="San Francisco", ship_region="CA", ship_postal_code="94103")

    assert masked_destination(order) == "San Francisco, CA 941**"
