"""What every emulated carrier shares: state, bearer tokens, faults, scenario lookup."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from flask import Response, current_app, request

from carriers.emulator.places import Place
from carriers.emulator.scenarios import SCENARIOS, Scenario, Timeline, timeline
from carriers.emulator.scenarios import decode_tracking_number as decode
from carriers.emulator.state import (
    NUMBER_FAULT_DELAY,
    NUMBER_FAULT_RETRY_AFTER,
    EmulatorState,
    FaultPlan,
)

# (status, code, message) → the carrier's own error answer
ErrorAnswer = Callable[[int, str, str], Response]
Answer = Response | tuple[Response, int]


def state() -> EmulatorState:
    """Return the emulator state of the current app."""
    return current_app.extensions["porchlight_emulator"]


def bearer_ok() -> bool:
    """Return True when the request carries a Bearer token the emulator issued and is live."""
    header = request.headers.get("Authorization", "")
    return header.startswith("Bearer ") and state().token_valid(header[7:])


def find_scenario(carrier: str, number: str, now: datetime) -> tuple[Scenario, datetime] | None:
    """Return (scenario, started_at) for an emulator number of this carrier, else None."""
    decoded = decode(carrier, number, now)
    if decoded is None:
        return None
    return SCENARIOS[decoded[0]], decoded[1]


def seen(scenario: Scenario, started_at: datetime, now: datetime | None = None) -> Timeline:
    """Return the scenario's timeline as visible now at the emulator's speed."""
    return timeline(scenario, started_at, state().speed, now or datetime.now(UTC))


def global_fault(carrier: str, error: ErrorAnswer, malformed: str) -> Answer | None:
    """Return the answer the global fault plan imposes on this request, if any."""
    fault = state().take_fault(carrier)
    return fault_answer(fault, error, malformed) if fault is not None else None


def scenario_fault(scenario: Scenario, error: ErrorAnswer, malformed: str) -> Answer | None:
    """Return the answer a fault_* scenario imposes on every request for its number."""
    if not scenario.fault:
        return None
    plan = FaultPlan(scenario.fault, None, NUMBER_FAULT_RETRY_AFTER, NUMBER_FAULT_DELAY)
    return fault_answer(plan, error, malformed)


def fault_answer(fault: FaultPlan, error: ErrorAnswer, malformed: str) -> Answer | None:
    """Return the faulty answer in the carrier's shape; "slow" sleeps and returns None
    (the request then goes on to its normal answer)."""
    if fault.mode == "500":
        return error(500, "500", "Internal Server Error"), 500
    if fault.mode == "429":
        answer = error(429, "429", "Too Many Requests")
        answer.headers["Retry-After"] = f"{fault.retry_after:g}"
        return answer, 429
    if fault.mode == "malformed":
        return Response(malformed, 200, mimetype="application/json")
    if fault.mode == "slow":
        time.sleep(fault.delay)
    return None


def local_iso(place: Place, moment: datetime) -> str:
    """Return the moment in the place's offset as ISO 8601 with offset, to the second."""
    return place.local(moment).replace(microsecond=0).isoformat()


def local_midnight(place: Place, day: date) -> datetime:
    """Return the start of `day` at the place, in its offset of that day."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return datetime(day.year, day.month, day.day, tzinfo=timezone(place.utc_offset(noon)))


def at_local(place: Place, day: date, hours: float) -> datetime:
    """Return `hours` after the start of `day` at the place, in its offset of that day."""
    return local_midnight(place, day) + timedelta(hours=hours)
