"""The carriers benchmark runs end to end on tiny input and prints its ratio line."""

from __future__ import annotations

import importlib.util

from tests.carriers.conftest import ROOT


def test_benchmark_quick_run_prints_the_ratio_line(capsys):
    spec = importlib.util.spec_from_file_location("bench_carriers", ROOT / "bench" / "carriers.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    assert bench.main(["--quick"]) == 0
    output = capsys.readouterr().out
    ratio = next(line for line in output.splitlines() if line.startswith("ratio track()/raw GET:"))
    assert "ups" in ratio and "fedex x30" in ratio
    assert output.count("µs/response") == 5
