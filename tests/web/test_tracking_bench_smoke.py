"""The tracking page benchmark runs end to end on tiny input and prints its ratio line."""

from __future__ import annotations

import shutil

import pytest

from tests.bench.helpers import ROOT, load_script


def test_benchmark_quick_run_prints_both_figures_and_the_ratio(capsys):
    if shutil.which("gunicorn") is None and not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        pytest.skip("gunicorn is not installed")
    bench = load_script("tracking_page")

    assert bench.main(["--quick"]) == 0
    output = capsys.readouterr().out
    assert "/healthz" in output and "tracking page" in output
    assert output.count("requests/s") == 3 and output.count("p99") == 3
    assert "live refresh 304" in output
    lines = output.splitlines()
    assert any(line.startswith("ratio tracking page/healthz: ") for line in lines)
    written = next(line for line in lines if line.startswith("page views written: "))
    views, requests_made = (int(word) for word in written.split() if word.isdigit())
    assert views >= requests_made > 0  # every view counted (wrk's last replies arrive late)
