"""API write benchmark: concurrent `POST /api/v1/orders` under gunicorn, 2xx/4xx/5xx and req/s.

Usage: .venv/bin/python bench/api_writes.py [--database-url URL] [--clients 8] [--orders 400]
       [--workers 2] [--threads 4] [--quick]

SQLite by default; `--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test`
measures PostgreSQL (a schema bench_api_writes is created and dropped). Each client thread
creates its own orders (one shipment, one item each) over one keep-alive session; the
baseline is the same clients reading `/healthz`. Afterwards the orders in the database are
counted against the 201 answers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import drop_schema, free_port, fresh_database, start_gunicorn  # noqa: E402

SCHEMA = "bench_api_writes"


def app_config(env: dict[str, str]) -> dict[str, str]:
    return {key: env[key] for key in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEY")}


def seed(env: dict[str, str]) -> str:
    """Tables, a merchant and an API key; returns the raw key."""
    from portal import create_app
    from portal.extensions import db
    from portal.services.api_keys import create_api_key
    from portal.services.merchants import create_merchant

    app = create_app(app_config(env))
    with app.app_context():
        db.create_all()
        merchant = create_merchant("acme", "Acme Outdoor")
        _, raw_key = create_api_key(merchant, "bench")
        db.session.commit()
        db.engine.dispose()
    return raw_key


def count_orders(env: dict[str, str]) -> int:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import Order

    app = create_app(app_config(env))
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Order))
        db.engine.dispose()
    return count


def order_body(client: int, n: int) -> dict:
    return {
        "order_number": f"#B{client:02d}-{n:05d}",
        "customer": {"name": "Ada Lovelace", "email": f"ada{client}.{n}@example.com"},
        "items": [{"sku": "TENT-2P", "name": "Trail Tent 2P"}],
        "shipments": [{"tracking_number": "1Z999AA10123456784", "carrier": "ups"}],
    }


def hammer(
    clients: int, per_client: int, send: Callable[[requests.Session, int, int], int]
) -> tuple[Counter, float]:
    """Run `clients` threads each calling `send` `per_client` times; status counts and seconds."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def worker(client: int) -> None:
        session = requests.Session()
        mine: Counter = Counter()
        start.wait()
        for n in range(per_client):
            try:
                mine[send(session, client, n)] += 1
            except requests.RequestException:
                mine["error"] += 1
        with lock:
            statuses.update(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - started


def by_class(statuses: Counter) -> str:
    classes: Counter = Counter()
    for status, count in statuses.items():
        classes[f"{status // 100}xx" if isinstance(status, int) else status] += count
    return "  ".join(f"{name}={classes[name]}" for name in ("2xx", "4xx", "5xx", "error"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--orders", type=int, default=400, help="creates per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="2 clients x 10 orders (smoke)")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.orders = 2, 10

    with tempfile.TemporaryDirectory() as workdir:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=fresh_database(args.database_url, Path(workdir), SCHEMA),
            QUEUE_URL=f"sqlite:///{Path(workdir) / 'jobs.db'}",
            SECRET_KEY="bench-secret-key-long-enough-for-sessions",
            PORCHLIGHT_ENV="development",
        )
        headers = {"Authorization": f"Bearer {seed(env)}"}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, port, args.workers, args.threads)
        try:
            health, health_seconds = hammer(
                args.clients,
                args.orders,
                lambda session, client, n: session.get(f"{base}/healthz", timeout=60).status_code,
            )
            writes, write_seconds = hammer(
                args.clients,
                args.orders,
                lambda session, client, n: (
                    session.post(
                        f"{base}/api/v1/orders",
                        json=order_body(client, n),
                        headers=headers,
                        timeout=60,
                    ).status_code
                ),
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = count_orders(env)
        drop_schema(args.database_url, SCHEMA)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    total = args.clients * args.orders
    health_rate = sum(health.values()) / health_seconds
    write_rate = sum(writes.values()) / write_seconds
    print(
        f"api writes benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, ", end=""
    )
    print(f"{datetime.now(UTC).date()}")
    print(
        f"gunicorn -w {args.workers} --threads {args.threads}, {backend}, "
        f"{args.clients} clients x {args.orders} requests"
    )
    print(f"/healthz              {health_rate:8.1f} requests/s  {by_class(health)}")
    print(f"POST /api/v1/orders   {write_rate:8.1f} requests/s  {by_class(writes)}")
    print(f"orders stored: {stored} for {writes[201]} answers 201 ({total} sent)")
    print(f"ratio orders/healthz: {write_rate / health_rate:.2f}")
    return 0 if writes[201] == total == stored else 1


if __name__ == "__main__":
    raise SystemExit(main())
