"""Tracking page benchmark: requests/s and p99 of the real page beside /healthz under gunicorn.

Usage: .venv/bin/python bench/tracking_page.py [--database-url URL] [--quick]

SQLite by default; `--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test`
measures PostgreSQL (a schema bench_tracking is created and dropped). After the load the
page views written are counted against the requests wrk made, and the time of one uncached
render (a shopper's first view of an order) is measured in-process.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import drop_schema, free_port, fresh_database, start_gunicorn  # noqa: E402

WORKERS = 2
SCHEMA = "bench_tracking"


def seed(env: dict[str, str], events: int) -> str:
    """A merchant, a catalogue and one order with 3 shipments; returns the page's path."""
    from portal import create_app
    from portal.extensions import db
    from portal.models import Product, TrackingEvent
    from portal.services import orders
    from portal.services.merchants import create_merchant

    app = create_app({key: env[key] for key in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEY")})
    with app.app_context():
        db.create_all()
        db.session.commit()
        merchant = create_merchant("acme", "Acme Outdoor")
        merchant.support_email = "help@acme.test"
        skus = [f"SKU-{n}" for n in range(6)]
        order = orders.create_order(
            merchant,
            orders.OrderData(
                order_number="#1042",
                currency="USD",
                customer_email="maya@example.com",
                ship_city="Rochester",
                ship_postal_code="14604",
                ship_country="US",
                items=[orders.ItemData(name=f"Item {sku}", sku=sku) for sku in skus],
                shipments=[
                    orders.ShipmentData(f"1Z999AA1012345678{n}", "ups", skus[n * 2 : n * 2 + 2])
                    for n in range(3)
                ],
            ),
        )
        now = datetime.now(UTC)
        for index, shipment in enumerate(order.shipments):
            shipment.status = "in_transit"
            shipment.estimated_delivery = {"date": (now + timedelta(days=2)).date().isoformat()}
            for n in range(index, events, len(order.shipments)):  # `events` in all
                shipment.events.append(
                    TrackingEvent(
                        merchant_id=merchant.id,
                        event_key=f"{shipment.id}-{n}",
                        occurred_at=now - timedelta(hours=n + 1),
                        utc_offset_minutes=-300,
                        status="in_transit",
                        description=f"Scan {n}",
                        city="Buffalo",
                        region="NY",
                        country="US",
                    )
                )
        for n in range(50):
            db.session.add(
                Product(
                    merchant_id=merchant.id,
                    sku=f"P{n}",
                    name=f"Product {n}",
                    url=f"https://acme.test/p/{n}",
                    price=Decimal("19.00"),
                    category="gear",
                    tags=["camping"],
                    popularity=n,
                )
            )
        db.session.commit()
        token = order.active_link.token
    return f"/acme/orders/{token}"


def run_wrk(
    url: str, seconds: int, connections: int, headers: dict[str, str] | None = None
) -> tuple[float, float, int]:
    flags = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *flags, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return rps, p99, total


def run_threads(
    url: str, seconds: float, connections: int, headers: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Fallback load generator: one requests.Session per thread for `seconds`."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            session.get(url, headers=headers, timeout=30).raise_for_status()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else latencies[0]
    return len(latencies) / seconds, p99, len(latencies)


def count_page_views(env: dict[str, str]) -> int:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import PageView

    app = create_app({key: env[key] for key in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEY")})
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(PageView))
        db.engine.dispose()
    return count


def render_times(env: dict[str, str], path: str, rounds: int) -> tuple[float, float]:
    """Median in-process milliseconds of the page rendered afresh and from the cache."""
    from portal import create_app
    from portal.blueprints.tracking.render_cache import RenderCache

    config = {key: env[key] for key in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEY")}
    app = create_app({**config, "PAGE_VIEW_FLUSH_SECONDS": 3600})
    client = app.test_client()

    def timed(fresh: bool) -> float:
        if fresh:
            app.extensions["tracking_page_cache"] = RenderCache()
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        return (time.perf_counter() - started) * 1000

    timed(False)
    uncached = statistics.median(timed(True) for _ in range(rounds))
    cached = statistics.median(timed(False) for _ in range(rounds))
    app.extensions["page_view_buffer"].flush()  # now, while the schema exists
    return uncached, cached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny run for the smoke test")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default SQLite)")
    args = parser.parse_args(argv)
    seconds, connections, events = (2, 4, 5) if args.quick else (15, 16, 40)
    use_wrk = shutil.which("wrk") is not None
    backend = "PostgreSQL" if args.database_url else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": fresh_database(args.database_url, Path(tmp), SCHEMA),
            "QUEUE_URL": f"sqlite:///{tmp}/jobs.db",
            "SECRET_KEY": "bench-secret-key-bench-secret-key-bench",
            "PYTHONPATH": str(ROOT),
        }
        try:
            path = seed(env, events)
            port = free_port()
            server = start_gunicorn(env, port, WORKERS)
            try:
                base = f"http://127.0.0.1:{port}"
                assert requests.get(base + path, timeout=10).status_code == 200
                load = run_wrk if use_wrk else run_threads
                health = load(base + "/healthz", seconds, connections)
                page = load(base + path, seconds, connections)
                live = {"HX-Request": "true"}
                live["If-None-Match"] = requests.get(base + path, headers=live).headers["ETag"]
                refresh = load(base + path, seconds, connections, live)
            finally:
                server.terminate()  # workers write the page views they hold as they exit
                server.wait(timeout=30)
            views = count_page_views(env)
            uncached, cached = render_times(env, path, 5 if args.quick else 50)
        finally:
            drop_schema(args.database_url, SCHEMA)
    tool = "wrk -t2" if use_wrk else "python threads"
    print(
        f"tracking page benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"gunicorn -w {WORKERS}, {backend}, {tool} -c{connections} {seconds}s each"
    )
    print(f"order: 3 shipments, {events} events, 6 items; catalogue of 50 products")
    print(f"/healthz         {health[0]:8.1f} requests/s  p99 {health[1]:7.1f} ms")
    print(f"tracking page    {page[0]:8.1f} requests/s  p99 {page[1]:7.1f} ms")
    print(f"live refresh 304 {refresh[0]:8.1f} requests/s  p99 {refresh[1]:7.1f} ms")
    print(f"ratio tracking page/healthz: {page[0] / health[0]:.2f}")
    print(f"page views written: {views} for {page[2] + 1} page requests")
    print(f"in-process: uncached render {uncached:.2f} ms, from the render cache {cached:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
