"""bench/agent_search.py runs end to end on tiny input and prints its figures and plans."""

from tests.bench.helpers import run_quick


def test_agent_search_benchmark_runs_on_tiny_input():
    result = run_quick("agent_search")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("agent search bench: sqlite, 5,000 then 20,000 orders")
    assert any(line.startswith("ratio median(large)/median(small): order exact") for line in lines)
    plans = result.stdout.split("query plans at the large size:")[1]
    assert "ix_orders_merchant_email" in plans and "ix_order_name_tokens_prefix" in plans
    assert "SCAN orders" not in plans and "SCAN order_name_tokens" not in plans
    assert lines[-1].startswith("worst ratio: ")
