"""The notifications benchmark runs end to end on tiny input and prints its ratio line."""

from __future__ import annotations

from tests.bench.helpers import load_script


def test_notifications_benchmark_quick_run_prints_both_rates_and_the_ratio(capsys):
    bench = load_script("notifications")

    assert bench.main(["--quick"]) == 0
    output = capsys.readouterr().out
    assert "outbox dispatch" in output and "plain smtplib" in output
    assert any(line.startswith("ratio dispatch/smtplib: ") for line in output.splitlines())
