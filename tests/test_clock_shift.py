"""The shifted clock of `make test-year-ahead`: exact, shared with child processes, nestable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from tests.shifted_clock.sitecustomize import SHIFT_VARIABLE, shift_days

ROOT = Path(__file__).resolve().parent.parent
SHIFTED_CLOCK = ROOT / "tests" / "shifted_clock"
EPSILON = 0.001  # float rounding of epoch seconds
# A child prints its clock, then its own child's: both started with the child's environment.
CHILD_AND_GRANDCHILD = (
    "import subprocess, sys, time\n"
    "print(time.time())\n"
    "print(subprocess.run([sys.executable, '-c', 'import time; print(time.time())'],"
    " capture_output=True, text=True, check=True).stdout)\n"
)


def python_clocks(code: str, env: dict[str, str]) -> list[float]:
    """Run `code` in a new Python process and return the epoch seconds it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return [float(line) for line in done.stdout.split()]


def bracket(code: str, env: dict[str, str]) -> tuple[float, list[float], float]:
    """This process's clock before and after a child's run, and the child's readings."""
    before = time.time()
    readings = python_clocks(code, env)
    return before, readings, time.time()


def test_this_process_runs_exactly_the_shift_ahead_of_the_real_clock():
    real_env = {k: v for k, v in os.environ.items() if k != SHIFT_VARIABLE}
    shift = shift_days() * 86400

    before, [real], after = bracket("import time; print(time.time())", real_env)

    assert before - shift - EPSILON <= real <= after - shift + EPSILON


def test_child_processes_share_this_processs_clock():
    before, readings, after = bracket(CHILD_AND_GRANDCHILD, dict(os.environ))

    assert len(readings) == 2
    assert all(before - EPSILON <= reading <= after + EPSILON for reading in readings)


def test_the_variable_shifts_a_process_and_the_processes_it_starts():
    paths = [str(SHIFTED_CLOCK), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, SHIFT_VARIABLE: "10", "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("PORCHLIGHT_TEST_CLOCK_SHIFTED_PID", None)
    ahead = (10 - shift_days()) * 86400  # this process may itself be shifted already

    before, readings, after = bracket(CHILD_AND_GRANDCHILD, env)

    assert len(readings) == 2
    assert all(
        before + ahead - EPSILON <= reading <= after + ahead + EPSILON for reading in readings
    )


def test_a_travel_inside_the_shift_sets_the_clock_and_then_gives_the_shifted_one_back():
    moment = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    before = datetime.now(UTC)

    with time_machine.travel(moment, tick=False):
        inside = datetime.now(UTC)
    after = datetime.now(UTC)

    assert inside == moment
    assert timedelta(0) <= after - before < timedelta(minutes=1)
