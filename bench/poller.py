"""Poller throughput: shipments polled per second by 1 and 2 worker processes against the
emulator, beside the emulator's raw capacity measured in the same run, and SQL statements
per polled shipment.

Usage: .venv/bin/python bench/poller.py [--shipments 20000] [--database-url URL] [--quick]
Default database: a SQLite file in a temporary folder; pass a postgresql+psycopg:// URL to
measure PostgreSQL (a schema bench_poller is created and dropped).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import create_tables, drop_schema, free_port, fresh_database  # noqa: E402
from carriers.emulator import make_tracking_number  # noqa: E402

CONCURRENCY = 16
SCHEMA = "bench_poller"


def start_emulator() -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = f"from carriers.emulator import serve; serve('127.0.0.1', {port}, speed=60.0)"
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/_emulator/", timeout=1)
            return process, url
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the emulator did not start")


def numbers(count: int) -> list[str]:
    """Distinct UPS emulator numbers whose whole journey is over (one poll settles each)."""
    base = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=3)
    return [
        make_tracking_number("ups", "normal", base - timedelta(minutes=index // 100), index % 100)
        for index in range(count)
    ]


def raw_capacity(url: str, sample: list[str]) -> float:
    """Plain concurrent GETs of the UPS track path: what the emulator can answer per second."""
    token = requests.post(
        f"{url}/security/v1/oauth/token",
        auth=("demo", "demo"),
        data={"grant_type": "client_credentials"},
        timeout=10,
    ).json()["access_token"]
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=CONCURRENCY)
    session.mount("http://", adapter)
    headers = {"Authorization": f"Bearer {token}", "transId": "bench", "transactionSrc": "bench"}

    def get(number: str) -> int:
        return session.get(f"{url}/api/track/v1/details/{number}", headers=headers).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        statuses = list(pool.map(get, sample))
    elapsed = time.perf_counter() - started
    assert statuses.count(200) == len(sample), "the emulator refused requests"
    return len(sample) / elapsed


def seed(url: str, tracking_numbers: list[str]) -> None:
    """Bulk-load one merchant and an order with one due UPS shipment per number."""
    from portal.models import Merchant, Order, Shipment

    now = datetime.now(UTC)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        merchant_id = connection.execute(
            sa.insert(Merchant.__table__).values(
                slug="bench", name="Bench", primary_color="#1f6feb", accent_color="#f59e0b",
                font="system", footer_links=[], faq=[], settings={}, timezone="UTC",
                logo_version=0, created_at=now,
            ).returning(Merchant.__table__.c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            sa.insert(Order.__table__),
            [
                {
                    "id": index + 1, "merchant_id": merchant_id, "order_number": str(index),
                    "order_number_norm": str(index), "placed_at": now, "customer_locale": "en",
                    "customer_email": f"c{index}@example.com",
                    "customer_email_norm": f"c{index}@example.com", "sms_opt_in": False,
                    "ship_city": "Columbus", "ship_region": "OH", "ship_postal_code": "43215",
                    "ship_country": "US", "created_at": now,
                }
                for index in range(len(tracking_numbers))
            ],
        )  # fmt: skip
        connection.execute(
            sa.insert(Shipment.__table__), shipment_rows(tracking_numbers, now, merchant_id)
        )
    engine.dispose()


def shipment_rows(tracking_numbers: list[str], now: datetime, merchant_id: int) -> list[dict]:
    return [
        {
            "id": index + 1, "merchant_id": merchant_id, "order_id": index + 1, "carrier": "ups",
            "tracking_number": number, "status": "unknown", "delayed": False,
            "delivered_late": False, "next_poll_at": now, "poll_failures": 0, "created_at": now,
        }
        for index, number in enumerate(tracking_numbers)
    ]  # fmt: skip


def reset(url: str, tracking_numbers: list[str]) -> None:
    """Forget every poll's result: the same shipments are new and due again."""
    from portal.models import CarrierUsage, Notification, Shipment, ShipmentChange, TrackingEvent

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for model in (TrackingEvent, ShipmentChange, Notification, Shipment, CarrierUsage):
            connection.execute(sa.delete(model.__table__))
        merchant_id = connection.execute(sa.text("SELECT id FROM merchants")).scalar_one()
        connection.execute(
            sa.insert(Shipment.__table__),
            shipment_rows(tracking_numbers, datetime.now(UTC), merchant_id),
        )
    engine.dispose()


def worker_env(url: str, emulator: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "QUEUE_URL": f"sqlite:///{workdir / 'jobs.db'}",
        "SECRET_KEY": "bench-secret-key",
        "CARRIER_UPS_BASE_URL": emulator,
        "CARRIER_UPS_CLIENT_ID": "demo",
        "CARRIER_UPS_CLIENT_SECRET": "demo",
        "POLL_BATCH_SIZE": "200",
        "POLL_CONCURRENCY": str(CONCURRENCY),
    }


def poll_until_done() -> int:
    """The worker's polling loop alone (no notification sending), in this process."""
    from portal import create_app
    from portal.jobs.tasks import claimed_batches
    from portal.services.polling import poll_shipments

    app = create_app()
    polled = 0
    with app.app_context():
        from portal.extensions import db

        for by_carrier in claimed_batches():
            ids = [shipment_id for group in by_carrier.values() for shipment_id in group]
            polled += poll_shipments(ids).polled
            db.session.commit()
    return polled


def run_workers(count: int, env: dict[str, str]) -> tuple[int, float]:
    """Run `count` concurrent polling processes until nothing is due; (polled, seconds)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    outputs = [process.communicate()[0] for process in processes]
    elapsed = time.perf_counter() - started
    if any(process.returncode for process in processes):
        raise SystemExit(f"a worker failed: {outputs}")
    polled = sum(int(out.split("polled=")[1].split()[0]) for out in outputs)
    return polled, elapsed


def statements_per_shipment(url: str, emulator: str, workdir: Path, sample: int) -> float:
    """Poll `sample` due shipments in this process, counting every SQL statement sent."""
    from sqlalchemy import event, update

    from portal import create_app
    from portal.extensions import db
    from portal.jobs.tasks import claimed_batches
    from portal.models import Shipment
    from portal.services.polling import poll_shipments

    env = worker_env(url, emulator, workdir)
    app = create_app({k: v for k, v in env.items() if k in env and k.isupper()})
    with app.app_context():
        later = datetime.now(UTC) + timedelta(days=1)
        db.session.execute(update(Shipment).where(Shipment.id > sample).values(next_poll_at=later))
        db.session.commit()
        counter = {"statements": 0}

        def count(*_):
            counter["statements"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        polled = 0
        for by_carrier in claimed_batches():
            ids = [shipment_id for group in by_carrier.values() for shipment_id in group]
            polled += poll_shipments(ids).polled
            db.session.commit()
        event.remove(db.engine, "before_cursor_execute", count)
    return counter["statements"] / max(polled, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=20_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--quick", action="store_true", help="tiny run for the smoke test")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one polling process of the measured run, configured by its environment
        print(f"polled={poll_until_done()}")
        return
    count = 300 if args.quick else args.shipments
    tracking_numbers = numbers(count)
    emulator, url = start_emulator()
    try:
        with tempfile.TemporaryDirectory() as folder:
            workdir = Path(folder)
            raw = raw_capacity(url, tracking_numbers[: min(count, 4000)])
            database = fresh_database(args.database_url, workdir, SCHEMA)
            create_tables(database)
            seed(database, tracking_numbers)
            env = worker_env(database, url, workdir)
            results = {}
            for workers in (1, 2):
                reset(database, tracking_numbers)
                polled, seconds = run_workers(workers, env)
                assert polled == count, f"{workers} workers polled {polled} of {count}"
                results[workers] = polled / seconds
            reset(database, tracking_numbers)
            sql = statements_per_shipment(database, url, workdir, min(count, 2000))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        drop_schema(args.database_url, SCHEMA)
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"poller bench: {count} UPS shipments on {backend}, concurrency {CONCURRENCY}")
    print(f"emulator raw capacity: {raw:.0f} requests/s")
    for workers, rate in results.items():
        print(f"{workers} worker process(es): {rate:.0f} shipments/s = {rate / raw:.0%} of raw")
    print(f"SQL statements per polled shipment: {sql:.2f}")
    print(f"ratio (2 workers / raw): {results[2] / raw:.2f}")


if __name__ == "__main__":
    main()
