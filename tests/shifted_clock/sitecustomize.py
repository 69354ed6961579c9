"""Moves this Python process's clock PORCHLIGHT_TEST_CLOCK_SHIFT_DAYS days ahead, if set."""

# `make test-year-ahead` puts this directory on PYTHONPATH, so Python runs this file at the
# start of every process of the run: pytest, its xdist workers, and the flask CLI, tick and
# dispatcher processes the tests start. Each moves its own clock by the same number of days,
# so they agree with one another; only the system (SQLite, PostgreSQL, OpenSSL, Chromium) keeps
# the real clock, and nothing may depend on its date. time.monotonic and sleeps stay real.

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SHIFT_VARIABLE = "PORCHLIGHT_TEST_CLOCK_SHIFT_DAYS"
_SHIFTED_PID = "PORCHLIGHT_TEST_CLOCK_SHIFTED_PID"  # children inherit it: compare pids
_HERE = str(Path(__file__).resolve().parent)


def shift_days() -> float:
    """Return the days this run's clock is moved ahead (0 when the variable is unset)."""
    value = os.environ.get(SHIFT_VARIABLE, "").strip()
    try:
        return float(value) if value else 0.0
    except ValueError:
        raise SystemExit(f"{SHIFT_VARIABLE} must be a number of days, got {value!r}") from None


def shift_clock() -> None:
    """Start one ticking time-machine travel to now + the shift for the life of this process.

    Does nothing without the variable, or when this process is already shifted. Puts this
    directory on PYTHONPATH so the processes it starts shift their clocks too. A test's own
    `time_machine.travel` nests inside and returns to the shifted clock when it ends.
    """
    days = shift_days()
    if not days or os.environ.get(_SHIFTED_PID) == str(os.getpid()):
        return
    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True).start()
    # A ticking travel starts counting at its first reading, not at start(): read it now, or
    # a process that imports for a while first would run behind the others by that while.
    time.time()
    os.environ[_SHIFTED_PID] = str(os.getpid())
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if _HERE not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([_HERE, *paths])


shift_clock()
