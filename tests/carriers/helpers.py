"""What the carrier tests share: JSON strategies, recorded error answers, the emulator's
clock and controls."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import time_machine
from hypothesis import strategies as st

from carriers import Carrier, ErrorKind, TrackingResult
from carriers.emulator import make_tracking_number

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # before US daylight saving starts

# The error answers DHL, FedEx and USPS are all tested with: (HTTP status, recorded case,
# or None for no body, and the kind it must give).
ERROR_ANSWERS = [
    (401, "auth_error", ErrorKind.AUTH),
    (429, "rate_limited", ErrorKind.RATE_LIMITED),
    (503, None, ErrorKind.TEMPORARY),
    (400, None, ErrorKind.INVALID),
]


def json_values(
    keys: st.SearchStrategy[str], values: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """Return a strategy of any JSON whose object keys are often `keys` and whose leaves
    are often `values`, so generated payloads reach deep into a parser."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
        | values
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(keys | st.text(max_size=6), children, max_size=6)
        ),
        max_leaves=40,
    )


@contextmanager
def parser_warnings_off() -> Iterator[None]:
    """Silence the unmapped-code warnings that generated payloads set off by the thousand."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def parse_recorded_error(
    carrier: Carrier,
    recorded: Callable[[str, str], Any],
    status: int,
    case: str | None,
    numbers: Sequence[str],
) -> list[TrackingResult]:
    """Return the carrier's results for HTTP `status` with the recorded body `case`
    (no body when case is None)."""
    payload = recorded(carrier.code, case) if case else None
    return carrier.parse_error(status, payload, numbers)


def at_hours(hours: float):
    """Travel to the moment a step at `hours` scenario hours is visible (speed 60)."""
    return time_machine.travel(START + timedelta(hours=hours / 60, seconds=1), tick=False)


def track_at(carrier: Carrier, scenario: str, hours: float, seq: int = 7) -> TrackingResult:
    """Return the carrier's result for an emulator number of `scenario` started at START,
    tracked `hours` scenario hours later."""
    number = make_tracking_number(carrier.code, scenario, START, seq)
    with at_hours(hours):
        [result] = carrier.track([number])
    assert result.tracking_number == number
    return result


def set_fault(emulator, **plan) -> None:
    """Give the emulator a fault plan (mode, count, retry_after, delay, carrier)."""
    requests.post(f"{emulator.url}/_emulator/faults", json=plan, timeout=5).raise_for_status()


def request_counts(emulator) -> dict[str, int]:
    """Return how many requests the emulator has answered, by route."""
    return requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()["requests"]
