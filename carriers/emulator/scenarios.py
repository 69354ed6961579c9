"""Carrier-agnostic shipment stories, replayed at `speed`× and chosen by the tracking number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from carriers.emulator import numbers
from carriers.emulator.places import (
    COLUMBUS,
    COLUMBUS_HUB,
    DENVER,
    HODGKINS,
    RENO,
    SALT_LAKE_CITY,
    SPARKS,
    Place,
)


class StepKind(StrEnum):
    LABEL = "label"
    VOIDED = "voided"
    PICKUP = "pickup"
    ORIGIN_SCAN = "origin_scan"
    DEPARTURE = "departure"
    ARRIVAL = "arrival"
    DESTINATION_SCAN = "destination_scan"
    RESCHEDULED = "rescheduled"
    EXCEPTION = "exception"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ATTEMPT_FAILED = "attempt_failed"
    AT_PICKUP_POINT = "at_pickup_point"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    RETURNING = "returning"
    RETURNED = "returned"


@dataclass(frozen=True)
class Step:
    hours: float  # scenario hours after the start, before scaling by speed
    kind: StepKind
    place: Place
    note: str | None = None  # the carrier's wording for exceptions, attempts, reschedules
    received_by: str | None = None
    left_at: str | None = None
    new_promise_hours: float | None = None  # a reschedule moves the promise here


@dataclass(frozen=True)
class Scenario:
    name: str
    index: int  # encoded in the tracking number; never renumber
    summary: str
    steps: tuple[Step, ...]
    promise_hours: float = 72.0
    destination: Place = COLUMBUS
    origin: Place = RENO
    service: str = "ground"
    fault: str | None = None  # "500" | "429" | "slow" | "malformed" on every request


K = StepKind
_TO_HODGKINS = (
    Step(0, K.LABEL, RENO),
    Step(5, K.PICKUP, RENO),
    Step(7, K.ORIGIN_SCAN, SPARKS),
    Step(10, K.DEPARTURE, SPARKS),
    Step(20, K.ARRIVAL, SALT_LAKE_CITY),
    Step(23, K.DEPARTURE, SALT_LAKE_CITY),
    Step(44, K.ARRIVAL, HODGKINS),
)
_TO_DOORSTEP = (
    *_TO_HODGKINS,
    Step(47, K.DEPARTURE, HODGKINS),
    Step(58, K.ARRIVAL, COLUMBUS_HUB),
    Step(60, K.DESTINATION_SCAN, COLUMBUS_HUB),
    Step(63, K.OUT_FOR_DELIVERY, COLUMBUS),
)
_NORMAL = (
    *_TO_DOORSTEP,
    Step(67, K.DELIVERED, COLUMBUS, received_by="MORALES", left_at="Front Door"),
)
_NOT_HOME = (
    "The receiver was not available for delivery. "
    "We'll make a second attempt the next business day."
)
_NOT_HOME_AGAIN = (
    "The receiver was not available for delivery. "
    "The package will be held at a nearby pickup point."
)
_RUNNING_LATE = "Your package is running late. The delivery date has been updated."
_MECHANICAL = "A mechanical failure has caused a delay. The delivery date has been updated."
_BAD_ADDRESS = "Delivery attempted: the street number is missing from the address."
_RETURNING = "The address could not be corrected. The package is being returned to the sender."

_SCENARIOS = (
    Scenario("normal", 0, "Label to signed delivery in under three days.", _NORMAL),
    Scenario(
        "late",
        1,
        "Stuck at the hub past the promised date; then a later date (RDD) appears; delivered late.",
        (
            *_TO_HODGKINS,
            Step(76, K.DEPARTURE, HODGKINS),
            Step(80, K.RESCHEDULED, COLUMBUS_HUB, _RUNNING_LATE, new_promise_hours=96),
            Step(88, K.ARRIVAL, COLUMBUS_HUB),
            Step(90, K.DESTINATION_SCAN, COLUMBUS_HUB),
            Step(92, K.OUT_FOR_DELIVERY, COLUMBUS),
            Step(95, K.DELIVERED, COLUMBUS, received_by="PATEL", left_at="Front Porch"),
        ),
    ),
    Scenario(
        "rescheduled",
        2,
        "Early in the journey the carrier moves the date later (RDD); delivered on the new date.",
        (
            *_TO_HODGKINS[:6],
            Step(30, K.RESCHEDULED, SALT_LAKE_CITY, _MECHANICAL, new_promise_hours=96),
            Step(34, K.ARRIVAL, DENVER),
            Step(37, K.DEPARTURE, DENVER),
            Step(68, K.ARRIVAL, HODGKINS),
            Step(71, K.DEPARTURE, HODGKINS),
            Step(82, K.ARRIVAL, COLUMBUS_HUB),
            Step(84, K.DESTINATION_SCAN, COLUMBUS_HUB),
            Step(88, K.OUT_FOR_DELIVERY, COLUMBUS),
            Step(92, K.DELIVERED, COLUMBUS, received_by="OKAFOR", left_at="Reception"),
        ),
    ),
    Scenario(
        "exception_recovery",
        3,
        "A weather exception at the hub, then back in transit and delivered.",
        (
            *_TO_HODGKINS,
            Step(46, K.EXCEPTION, HODGKINS, "Severe weather conditions have delayed delivery."),
            Step(60, K.DEPARTURE, HODGKINS),
            Step(71, K.ARRIVAL, COLUMBUS_HUB),
            Step(73, K.DESTINATION_SCAN, COLUMBUS_HUB),
            Step(76, K.OUT_FOR_DELIVERY, COLUMBUS),
            Step(80, K.DELIVERED, COLUMBUS, received_by="NGUYEN", left_at="Garage"),
        ),
    ),
    Scenario(
        "failed_attempt_pickup",
        4,
        "Two failed attempts, then held at a pickup point; collected two days later.",
        (
            *_TO_DOORSTEP,
            Step(67, K.ATTEMPT_FAILED, COLUMBUS, _NOT_HOME),
            Step(87, K.OUT_FOR_DELIVERY, COLUMBUS),
            Step(91, K.ATTEMPT_FAILED, COLUMBUS, _NOT_HOME_AGAIN),
            Step(93, K.AT_PICKUP_POINT, COLUMBUS),
            Step(140, K.PICKED_UP, COLUMBUS, received_by="GARCIA", left_at="Pickup point"),
        ),
    ),
    Scenario("stale", 5, "Scans stop at the Hodgkins hub and never resume.", _TO_HODGKINS),
    Scenario(
        "returned",
        6,
        "A failed attempt (bad address), then returned to the shipper in Reno.",
        (
            *_TO_DOORSTEP,
            Step(67, K.ATTEMPT_FAILED, COLUMBUS, _BAD_ADDRESS),
            Step(72, K.RETURNING, COLUMBUS_HUB, _RETURNING),
            Step(96, K.RETURNING, HODGKINS, "Returning to sender: in transit."),
            Step(130, K.RETURNED, RENO, "Returned to sender."),
        ),
    ),
    Scenario("never_found", 7, "The carrier never knows the number.", ()),
    Scenario(
        "voided",
        8,
        "A label is created, then voided by the shipper (cancelled).",
        (Step(0, K.LABEL, RENO), Step(3, K.VOIDED, RENO, "The shipper voided this shipment.")),
    ),
    Scenario(
        "fault_500", 10, "Every request for the number answers HTTP 500.", _NORMAL, fault="500"
    ),
    Scenario(
        "fault_429", 11, "Every request answers 429 with Retry-After: 30.", _NORMAL, fault="429"
    ),
    Scenario(
        "fault_slow",
        12,
        "Answers the normal story after 20 s (past read timeouts).",
        _NORMAL,
        fault="slow",
    ),
    Scenario("fault_malformed", 13, "Answers 200 with truncated JSON.", _NORMAL, fault="malformed"),
)
SCENARIOS: dict[str, Scenario] = {scenario.name: scenario for scenario in _SCENARIOS}
_BY_INDEX = {scenario.index: scenario for scenario in _SCENARIOS}


@dataclass(frozen=True)
class TimedStep:
    step: Step
    at: datetime  # UTC

    @property
    def local(self) -> datetime:
        return self.step.place.local(self.at)


@dataclass(frozen=True)
class Timeline:
    """What a carrier knows about one emulated shipment at one moment."""

    scenario: Scenario
    started_at: datetime
    events: tuple[TimedStep, ...]  # visible so far, newest first
    scheduled: date | None  # the first promised date, local to the destination
    rescheduled: date | None  # a later date the carrier moved it to
    window: tuple[datetime, datetime] | None  # while out for delivery

    @property
    def latest(self) -> TimedStep | None:
        return self.events[0] if self.events else None


def timeline(scenario: Scenario, started_at: datetime, speed: float, now: datetime) -> Timeline:
    """Return the scenario as seen at `now`: a step at H hours shows at started_at + H/speed."""

    def scaled(hours: float) -> datetime:
        return started_at + timedelta(hours=hours / speed)

    visible = [TimedStep(step, scaled(step.hours)) for step in scenario.steps]
    events = tuple(reversed([timed for timed in visible if timed.at <= now]))
    latest = events[0].step.kind if events else None
    scheduled = rescheduled = window = None
    if latest and latest not in (K.VOIDED, K.AT_PICKUP_POINT, K.RETURNING, K.RETURNED):
        scheduled = scenario.destination.local(scaled(scenario.promise_hours)).date()
        moved = next((e.step for e in events if e.step.new_promise_hours is not None), None)
        if moved is not None:
            later = scenario.destination.local(scaled(moved.new_promise_hours or 0)).date()
            rescheduled = max(later, scheduled + timedelta(days=1))
    if latest is K.OUT_FOR_DELIVERY:
        local = events[0].local
        start = local.replace(minute=0, second=0, microsecond=0)
        day_end = datetime.combine(start.date(), time(23, 59, 59), start.tzinfo)
        window = (start, min(start + timedelta(hours=4), day_end))
    return Timeline(scenario, started_at, events, scheduled, rescheduled, window)


def make_tracking_number(carrier: str, scenario: str, started_at: datetime, seq: int = 0) -> str:
    """Return a check-digit-valid number for `carrier` that replays `scenario` from
    `started_at` (kept to the minute); `seq` (0–99) tells apart numbers of the same minute.

    The layouts per carrier are in the emulator's README. Raises KeyError for an unknown
    scenario and ValueError for a carrier without an emulator number format, a naive
    started_at or seq out of range.
    """
    if scenario not in SCENARIOS:
        raise KeyError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    codec = numbers.CODECS.get(carrier.lower())
    if codec is None:
        raise ValueError(f"the emulator has no number format for carrier {carrier!r}")
    return codec[0](SCENARIOS[scenario].index, started_at, seq)


def decode_tracking_number(
    carrier: str, number: str, now: datetime | None = None
) -> tuple[str, datetime, int] | None:
    """Return (scenario name, started_at in UTC, seq) for an emulator number of `carrier`,
    else None (another carrier's layout, a bad check digit, an unknown scenario)."""
    codec = numbers.CODECS.get(carrier.lower())
    if codec is None:
        return None
    decoded = codec[1](number, now or datetime.now(UTC))
    if decoded is None or decoded[0] not in _BY_INDEX:
        return None
    index, started_at, seq = decoded
    return _BY_INDEX[index].name, started_at, seq
