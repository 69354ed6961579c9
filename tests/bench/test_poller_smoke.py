"""bench/poller.py runs end to end on tiny input and prints its figures."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_poller_benchmark_runs_on_tiny_input():
    result = subprocess.run(
        [sys.executable, "bench/poller.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("poller bench: 300 UPS shipments")
    assert any(line.startswith("emulator raw capacity: ") for line in lines)
    assert any(line.startswith("2 worker process(es): ") for line in lines)
    statements = next(line for line in lines if line.startswith("SQL statements per polled"))
    assert float(statements.rsplit(" ", 1)[1]) <= 3.0
    assert lines[-1].startswith("ratio (2 workers / raw): ")
