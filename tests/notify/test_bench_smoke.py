"""The notifications benchmark runs end to end on tiny input and prints its ratio line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_notifications_benchmark_quick_run_prints_both_rates_and_the_ratio(capsys):
    spec = importlib.util.spec_from_file_location(
        "bench_notifications", ROOT / "bench" / "notifications.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    assert bench.main(["--quick"]) == 0
    output = capsys.readouterr().out
    assert "outbox dispatch" in output and "plain smtplib" in output
    assert any(line.startswith("ratio dispatch/smtplib: ") for line in output.splitlines())
