"""A whole test on a fixed calendar: its data, its requests and its checks at one moment."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine


def frozen_clock_at(moment: datetime):
    """Return an autouse fixture that stops the clock at `moment` for each test of the module
    that assigns it, its fixtures' setup included, so no row is made on today's date.

    A `time_machine.travel` inside the test moves on from there and returns to `moment`.
    """

    @pytest.fixture(autouse=True)
    def frozen_clock():
        with time_machine.travel(moment, tick=False):
            yield

    return frozen_clock
