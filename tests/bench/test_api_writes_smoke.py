"""bench/api_writes.py runs end to end on tiny input: every create answered 201 and stored."""

from tests.bench.helpers import run_quick


def test_api_writes_benchmark_runs_on_tiny_input():
    result = run_quick("api_writes")
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[1] == "gunicorn -w 2 --threads 4, SQLite, 2 clients x 10 requests"
    writes = next(line for line in lines if line.startswith("POST /api/v1/orders"))
    assert writes.endswith("2xx=20  4xx=0  5xx=0  error=0")
    assert "orders stored: 20 for 20 answers 201 (20 sent)" in lines
    assert lines[-1].startswith("ratio orders/healthz: ")
