"""Faults for every carrier over real HTTP: nothing raises, failures have the right kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from carriers import ErrorKind, RetryPolicy
from carriers.emulator import make_tracking_number
from carriers.oauth import OAuthCarrier
from tests.carriers.helpers import request_counts, set_fault

CARRIERS = ("ups", "fedex", "usps", "dhl", "easypost")
TRACK = {
    "ups": "/api/track/v1/details/<inquiry_number>",
    "fedex": "/track/v1/trackingnumbers",
    "usps": "/tracking/v3/tracking/<tracking_number>",
    "dhl": "/track/shipments",
    "easypost": "/v2/trackers",
}


def track_count(emulator, code: str) -> int:
    return request_counts(emulator).get(TRACK[code], 0)


def number(code: str, scenario: str = "normal", seq: int = 3) -> str:
    started = datetime.now(UTC) - timedelta(hours=1)
    return make_tracking_number(code, scenario, started, seq)


def ready(carrier):
    """Fetch the token first, so faults hit tracking calls only."""
    if isinstance(carrier, OAuthCarrier):
        carrier.tokens.get()
    return carrier


@pytest.mark.parametrize("code", CARRIERS)
def test_500_storm_is_temporary_after_bounded_retries(make_carrier, emulator, sleeps, code):
    carrier = ready(make_carrier(code))
    set_fault(emulator, mode="500", carrier=code)
    [result] = carrier.track([number(code)])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert track_count(emulator, code) == RetryPolicy().attempts
    assert len(sleeps) == RetryPolicy().attempts - 1


@pytest.mark.parametrize("code", CARRIERS)
def test_short_retry_after_is_honoured_once(make_carrier, emulator, sleeps, code):
    carrier = ready(make_carrier(code))
    set_fault(emulator, mode="429", count=1, retry_after=2, carrier=code)
    [result] = carrier.track([number(code)])

    assert result.ok, result.error
    assert sleeps == [2.0]


@pytest.mark.parametrize("code", CARRIERS)
def test_long_retry_after_is_returned_not_waited(make_carrier, emulator, sleeps, code):
    carrier = ready(make_carrier(code))
    set_fault(emulator, mode="429", retry_after=120, carrier=code)
    [result] = carrier.track([number(code)])

    assert result.error.kind is ErrorKind.RATE_LIMITED
    assert result.error.retry_after == 120.0
    assert sleeps == [] and track_count(emulator, code) == 1


@pytest.mark.parametrize("code", CARRIERS)
def test_slow_answer_times_out_as_temporary(make_carrier, emulator, sleeps, code):
    carrier = ready(make_carrier(code, read_timeout=0.2, retry=RetryPolicy(attempts=2)))
    set_fault(emulator, mode="slow", delay=1.0, carrier=code)
    [result] = carrier.track([number(code)])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert "Timeout" in result.error.message
    assert len(sleeps) == 1


@pytest.mark.parametrize("code", CARRIERS)
def test_malformed_json_is_a_parse_error_and_the_next_call_is_fine(make_carrier, emulator, code):
    carrier = ready(make_carrier(code))
    set_fault(emulator, mode="malformed", count=1, carrier=code)
    [first] = carrier.track([number(code, seq=3)])
    [second] = carrier.track([number(code, seq=4)])

    assert first.error.kind is ErrorKind.PARSE
    assert second.ok, second.error


def test_a_fault_for_one_carrier_leaves_the_others_alone(make_carrier, emulator):
    set_fault(emulator, mode="500", carrier="fedex")
    [result] = make_carrier("dhl").track([number("dhl")])
    assert result.ok


@pytest.mark.parametrize("code", CARRIERS)
@pytest.mark.parametrize(
    ("scenario", "kind"),
    [
        ("fault_500", ErrorKind.TEMPORARY),
        ("fault_429", ErrorKind.RATE_LIMITED),
        ("fault_malformed", ErrorKind.PARSE),
    ],
)
def test_per_number_faults(make_carrier, sleeps, code, scenario, kind):
    [result] = make_carrier(code).track([number(code, scenario)])

    assert result.error.kind is kind
    if kind is ErrorKind.RATE_LIMITED:
        assert result.error.retry_after == 30.0 and sleeps == []


@pytest.mark.parametrize("code", ["fedex", "usps"])
def test_expired_token_is_refreshed_once(make_carrier, emulator, code):
    carrier = ready(make_carrier(code))
    old = carrier.tokens.get()
    set_fault(emulator, mode="expire_tokens")
    [result] = carrier.track([number(code)])

    assert result.ok
    assert carrier.tokens.get() != old


def test_fault_plan_names_its_carrier(emulator):
    set_fault(emulator, mode="429", carrier="usps", retry_after=9)
    plan = requests.get(f"{emulator.url}/_emulator/faults", timeout=5).json()
    assert plan == {"mode": "429", "count": None, "retry_after": 9, "delay": 5, "carrier": "usps"}
