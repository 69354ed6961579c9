"""The carrier HTTP layer: retries, Retry-After, timeouts, pacing and the circuit breaker."""

from __future__ import annotations

import random
import socket
from datetime import UTC, datetime, timedelta

import pytest

from carriers import CircuitBreaker, CircuitOpen, ErrorKind, RetryPolicy, get_carrier
from carriers.emulator import make_tracking_number
from carriers.http import CarrierHTTP, parse_retry_after
from carriers.throttle import BreakerState, TokenBucket
from tests.carriers.helpers import request_counts, set_fault

TRACK = "/api/track/v1/details/<inquiry_number>"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def track_count(emulator) -> int:
    return request_counts(emulator).get(TRACK, 0)


def number(seq: int = 3) -> str:
    return make_tracking_number("ups", "normal", datetime.now(UTC) - timedelta(hours=1), seq)


def test_500_storm_ends_in_temporary_after_bounded_retries(ups, emulator, sleeps):
    ups.tokens.get()  # the token call is not part of this storm
    set_fault(emulator, mode="500")
    [result] = ups.track([number()])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert track_count(emulator) == RetryPolicy().attempts
    assert len(sleeps) == RetryPolicy().attempts - 1
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0  # doubling, jittered


def test_a_short_500_burst_is_ridden_out(ups, emulator, sleeps):
    ups.tokens.get()
    set_fault(emulator, mode="500", count=2)
    [result] = ups.track([number()])

    assert result.ok
    assert track_count(emulator) == 3 and len(sleeps) == 2


def test_short_retry_after_is_honoured_once(ups, emulator, sleeps):
    ups.tokens.get()
    set_fault(emulator, mode="429", count=1, retry_after=2)
    [result] = ups.track([number()])

    assert result.ok
    assert sleeps == [2.0]
    assert track_count(emulator) == 2


def test_long_retry_after_is_returned_not_waited(ups, emulator, sleeps):
    ups.tokens.get()
    set_fault(emulator, mode="429", retry_after=120)
    [result] = ups.track([number()])

    assert result.error.kind is ErrorKind.RATE_LIMITED
    assert result.error.retry_after == 120.0
    assert sleeps == [] and track_count(emulator) == 1


def test_repeated_429_after_one_wait_is_rate_limited(ups, emulator, sleeps):
    ups.tokens.get()
    set_fault(emulator, mode="429", retry_after=1)
    [result] = ups.track([number()])

    assert result.error.kind is ErrorKind.RATE_LIMITED
    assert sleeps == [1.0] and track_count(emulator) == 2


def test_slow_answer_times_out_as_temporary(make_carrier, emulator, sleeps):
    ups = make_carrier("ups", read_timeout=0.2, retry=RetryPolicy(attempts=2))
    ups.tokens.get()
    set_fault(emulator, mode="slow", delay=1.0)
    [result] = ups.track([number()])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert "Timeout" in result.error.message
    assert len(sleeps) == 1


def test_malformed_json_is_a_parse_error(ups, emulator):
    ups.tokens.get()
    set_fault(emulator, mode="malformed", count=1)
    first, second = ups.track([number(3), number(4)])

    assert first.error.kind is ErrorKind.PARSE
    assert second.ok


def test_unreachable_carrier_is_temporary(sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ups = get_carrier(
        "ups",
        {"base_url": f"http://127.0.0.1:{port}", "client_id": "d", "client_secret": "d"},
        sleep=sleeps.append,
    )
    [result] = ups.track(["1Z999AA10123456784"])

    assert result.error.kind is ErrorKind.TEMPORARY
    assert len(sleeps) == 2


def test_circuit_opens_after_repeated_failures_then_half_opens(make_carrier, emulator):
    clock = FakeClock()
    breaker = CircuitBreaker("ups", threshold=2, cooldown=30, clock=clock)
    ups = make_carrier("ups", breaker=breaker, retry=RetryPolicy(attempts=1))
    ups.tokens.get()
    set_fault(emulator, mode="500")
    ups.track([number()])
    ups.track([number()])
    assert breaker.state is BreakerState.OPEN

    [paused] = ups.track([number()])
    assert paused.error.kind is ErrorKind.TEMPORARY
    assert paused.error.retry_after == 30
    assert track_count(emulator) == 2  # paused: no request made

    set_fault(emulator, mode="none")
    clock.now += 31
    assert breaker.state is BreakerState.HALF_OPEN
    [trial] = ups.track([number()])
    assert trial.ok
    assert breaker.state is BreakerState.CLOSED


def test_half_open_admits_one_trial_and_a_failed_trial_reopens():
    clock = FakeClock()
    breaker = CircuitBreaker("ups", threshold=1, cooldown=10, clock=clock)
    breaker.record_failure()
    with pytest.raises(CircuitOpen):
        breaker.before_request()
    clock.now += 11
    breaker.before_request()  # the trial
    with pytest.raises(CircuitOpen):
        breaker.before_request()  # others wait for it
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN


def test_token_bucket_paces_to_the_rate():
    clock, waits = FakeClock(), []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    bucket = TokenBucket(rate=2, clock=clock, sleep=sleep)
    for _ in range(5):
        bucket.acquire()

    assert waits == pytest.approx([0.5, 0.5, 0.5])  # burst of 2, then one every 0.5 s


def test_unlimited_rate_never_waits():
    bucket = TokenBucket(rate=None, sleep=lambda s: pytest.fail("slept"))
    assert all(bucket.acquire() == 0 for _ in range(100))


def test_session_pool_and_timeouts():
    http = CarrierHTTP("ups", "http://127.0.0.1:9/prefix/", connect_timeout=2, read_timeout=7)
    adapter = http.session.get_adapter("https://onlinetools.ups.com")

    assert adapter._pool_maxsize >= 32
    assert http.timeout == (2, 7)
    assert http.url("/api/track") == "http://127.0.0.1:9/prefix/api/track"


def test_backoff_is_capped_and_jittered():
    policy = RetryPolicy(backoff=1, max_backoff=4)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in range(1, 8)]

    assert all(0.5 <= d <= 4 for d in delays)
    assert max(delays[3:]) <= 4 and min(delays[3:]) >= 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [("5", 5.0), (" 1.5 ", 1.5), ("", None), (None, None), ("soon", None), ("-3", 0.0)],
)
def test_parse_retry_after_seconds(header, expected):
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
