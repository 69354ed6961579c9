"""bench/poller.py runs end to end on tiny input and prints its figures."""

from tests.bench.helpers import run_quick


def test_poller_benchmark_runs_on_tiny_input():
    result = run_quick("poller")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("poller bench: 300 UPS shipments")
    assert any(line.startswith("emulator raw capacity: ") for line in lines)
    assert any(line.startswith("2 worker process(es): ") for line in lines)
    statements = next(line for line in lines if line.startswith("SQL statements per polled"))
    assert float(statements.rsplit(" ", 1)[1]) <= 3.0
    assert lines[-1].startswith("ratio (2 workers / raw): ")
