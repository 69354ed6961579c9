"""Tracking page benchmark: requests/s and p99 of the real page beside /healthz under gunicorn."""

# Run: .venv/bin/python bench/tracking_page.py [--quick]

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
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

WORKERS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s (see its output above)")


def run_wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99


def run_threads(url: str, seconds: float, connections: int) -> tuple[float, float]:
    """Fallback load generator: one requests.Session per thread for `seconds`."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            session.get(url, timeout=30).raise_for_status()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else latencies[0]
    return len(latencies) / seconds, p99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny run for the smoke test")
    args = parser.parse_args(argv)
    seconds, connections, events = (2, 4, 5) if args.quick else (15, 16, 40)
    use_wrk = shutil.which("wrk") is not None
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "QUEUE_URL": f"sqlite:///{tmp}/jobs.db",
            "SECRET_KEY": "bench-secret-key-bench-secret-key-bench",
            "PYTHONPATH": str(ROOT),
        }
        path = seed(env, events)
        port = free_port()
        server = start_gunicorn(env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            assert requests.get(base + path, timeout=10).status_code == 200
            load = run_wrk if use_wrk else run_threads
            health = load(base + "/healthz", seconds, connections)
            page = load(base + path, seconds, connections)
        finally:
            server.terminate()
            server.wait(timeout=10)
    tool = "wrk -t2" if use_wrk else "python threads"
    print(
        f"tracking page benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"gunicorn -w {WORKERS}, SQLite, {tool} -c{connections} {seconds}s each"
    )
    print(f"order: 3 shipments, {events} events, 6 items; catalogue of 50 products")
    print(f"/healthz         {health[0]:8.1f} requests/s  p99 {health[1]:7.1f} ms")
    print(f"tracking page    {page[0]:8.1f} requests/s  p99 {page[1]:7.1f} ms  (writes a PageView)")
    print(f"ratio tracking page/healthz: {page[0] / health[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
