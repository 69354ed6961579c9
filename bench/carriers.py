"""Carrier benchmark: parse µs per recorded answer; track() throughput via the emulator."""

# Run: .venv/bin/python bench/carriers.py [--quick]

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carriers import get_carrier  # noqa: E402
from carriers.emulator import make_tracking_number, start_background  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "carriers"
CARRIERS = ("ups", "fedex", "usps", "dhl", "easypost")
POLL_CONCURRENCY = 16
# Error bodies and token answers are not tracking answers: parse time is for those.
NOT_ANSWERS = {"auth_error", "rate_limited", "invalid_number", "not_found", "token"}
# The number each carrier's recorded answers are about.
FIXTURE_NUMBERS = {
    "ups": "1Z5R89390357567127",
    "fedex": "794843185271",
    "usps": "9400111899223033005289",
    "dhl": "3318810025",
    "easypost": "9205590164917312751089",
}


def settings_for(code: str, base_url: str) -> dict:
    """Return demo settings for a carrier pointed at the emulator."""
    if code in ("dhl", "easypost"):
        return {"base_url": base_url, "api_key": "demo"}
    return {"base_url": base_url, "client_id": "demo", "client_secret": "demo"}


def bench_parse(code: str, runs: int, loops: int) -> tuple[int, float]:
    """Return (fixtures, median µs per parsed response) for one adapter."""
    adapter = get_carrier(code, settings_for(code, "http://127.0.0.1:9"))
    payloads = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((FIXTURES / code).glob("*.json"))
        if path.stem not in NOT_ANSWERS
    ]
    number = [FIXTURE_NUMBERS[code]]
    per_response = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(loops):
            for payload in payloads:
                adapter.parse_response(payload, number)
        per_response.append((time.perf_counter() - started) / (loops * len(payloads)))
    return len(payloads), statistics.median(per_response) * 1e6


def timed_pool(task: Callable[[int], object], count: int) -> float:
    """Run task(0..count-1) on POLL_CONCURRENCY threads; return the seconds taken."""
    with ThreadPoolExecutor(max_workers=POLL_CONCURRENCY) as pool:
        started = time.perf_counter()
        list(pool.map(task, range(count)))
        return time.perf_counter() - started


def bench_raw(base_url: str, count: int) -> float:
    """Return plain concurrent GETs per second on UPS's track path (token fetched first)."""
    token = requests.post(
        f"{base_url}/security/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("demo", "demo"),
        timeout=10,
    ).json()["access_token"]
    started_at = datetime.now(UTC) - timedelta(hours=1)
    numbers = [make_tracking_number("ups", "normal", started_at, i % 100) for i in range(count)]
    local = threading.local()

    def get(i: int) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        answer = session.get(
            f"{base_url}/api/track/v1/details/{numbers[i]}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        answer.raise_for_status()

    return count / timed_pool(get, count)


def bench_track(code: str, base_url: str, count: int, batch: int = 1) -> float:
    """Return tracked numbers per second with POLL_CONCURRENCY parallel track() calls."""
    carrier = get_carrier(code, settings_for(code, base_url))
    started_at = datetime.now(UTC) - timedelta(hours=1)
    numbers = [make_tracking_number(code, "normal", started_at, i % 100) for i in range(count)]
    calls = [numbers[i : i + batch] for i in range(0, count, batch)]
    failures = []

    def track(i: int) -> None:
        failures.extend(r for r in carrier.track(calls[i]) if not r.ok)

    if code == "easypost":  # create the trackers first: steady-state polls only list them
        carrier.track(sorted(set(numbers)))
    seconds = timed_pool(track, len(calls))
    carrier.http.close()
    if failures:
        raise RuntimeError(f"{code}: {len(failures)} failed, e.g. {failures[0].error}")
    return count / seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print one line per measurement; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny input, for a smoke test")
    args = parser.parse_args(argv)
    runs, loops, count = (3, 3, 48) if args.quick else (9, 200, 1600)
    print(
        f"carriers benchmark{' (quick)' if args.quick else ''}: Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d}"
    )
    for code in CARRIERS:
        fixtures, micros = bench_parse(code, runs, loops)
        print(f"parse {code:<9} {micros:8.1f} µs/response  ({fixtures} fixtures, median of {runs})")
    emulator = start_background(port=0, speed=60.0)
    try:
        raw = bench_raw(emulator.url, count)
        print(f"raw GET ups path   {raw:8.0f} requests/s  ({POLL_CONCURRENCY} threads, {count})")
        rates = {}
        for code in CARRIERS:
            rates[code] = bench_track(code, emulator.url, count)
            print(f"track() {code:<9}  {rates[code]:8.0f} numbers/s   ({POLL_CONCURRENCY} threads)")
        batched = bench_track("fedex", emulator.url, count, batch=30)
        print(f"track() fedex x30  {batched:8.0f} numbers/s   (30 numbers per request)")
    finally:
        emulator.stop()
    print(
        "ratio track()/raw GET: "
        + ", ".join(f"{code} {rates[code] / raw:.2f}" for code in CARRIERS)
        + f", fedex x30 {batched / raw:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
