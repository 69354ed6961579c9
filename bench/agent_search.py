"""Agent search latency per key at 10,000 and 1,000,000 orders, through search_orders itself,
with the ratio cost(large)/cost(small) per key and each key's query plan.

Usage: .venv/bin/python bench/agent_search.py [--database-url URL] [--quick]
Default database: a SQLite file in a temporary folder; pass a postgresql+psycopg:// URL to
measure PostgreSQL (a schema bench_agent_search is created and dropped).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import create_tables, drop_schema, fresh_database  # noqa: E402

SCHEMA = "bench_agent_search"
FIRST = [
    "Maya",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Ava",
    "Mateo",
    "Sofia",
    "Yuki",
    "Omar",
    "Priya",
    "Chen",
    "Amara",
    "Lucas",
    "Zoe",
    "Ivan",
    "Fatima",
    "Diego",
    "Hana",
    "Kofi",
]
SYLLABLES = [
    "pa",
    "tel",
    "ro",
    "vas",
    "quez",
    "ki",
    "mu",
    "ra",
    "son",
    "ber",
    "lin",
    "do",
    "gar",
    "cia",
    "no",
    "wak",
    "ha",
    "sto",
    "ne",
    "vic",
]
START = datetime(2024, 1, 1, tzinfo=UTC)
TARGET = 4321  # an order present at both sizes


def surname(index: int) -> str:
    """8,000 made-up surnames ('Patelro', 'Vasquezki'…): names repeat as a real shop's do."""
    a, b, c = index % 20, (index // 20) % 20, (index // 400) % 20
    return (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize()


def order_values(i: int) -> dict:
    first, last = FIRST[(i * 7) % len(FIRST)], surname((i * 7919) % 8000)
    return {
        "id": i + 1,
        "number": f"#{1_000_000 + i}",
        "norm": str(1_000_000 + i),
        "placed_at": START + timedelta(minutes=i),
        "name": f"{first} {last}",
        "email": f"customer{i}@example.com",
        "phone": f"+1415{2_000_000 + i:07d}",
        "tracking": f"1Z999AA1{i:010d}",
    }


def prepare_database(database_url: str | None, workdir: Path) -> str:
    url = fresh_database(database_url, workdir, SCHEMA)
    create_tables(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO merchants (id, slug, name, primary_color, accent_color, font, "
                "footer_links, faq, settings, timezone, logo_version, created_at) VALUES "
                "(1, 'bench', 'Bench', '#1f6feb', '#f59e0b', 'system', '[]', '[]', '{}', 'UTC', "
                "0, :now)"
            ),
            {"now": START},
        )
    engine.dispose()
    return url


def rows_for(start: int, stop: int):
    """(orders, shipments, name tokens) rows for orders start..stop-1, as tuples."""
    from portal.services.search import name_tokens

    orders, shipments, tokens = [], [], []
    for i in range(start, stop):
        v = order_values(i)
        orders.append((v["id"], 1, v["number"], v["norm"], v["placed_at"], v["name"], v["email"],
                       v["email"], v["phone"], "en", False, v["placed_at"]))  # fmt: skip
        shipments.append((v["id"], 1, v["id"], "ups", v["tracking"], "in_transit", False, False,
                          0, v["placed_at"]))  # fmt: skip
        tokens.extend((v["id"], token, 1, v["placed_at"]) for token in name_tokens(v["name"]))
    return orders, shipments, tokens


ORDER_COLUMNS = ("id, merchant_id, order_number, order_number_norm, placed_at, customer_name, "
                 "customer_email, customer_email_norm, customer_phone, customer_locale, "
                 "sms_opt_in, created_at")  # fmt: skip
SHIPMENT_COLUMNS = ("id, merchant_id, order_id, carrier, tracking_number, status, delayed, "
                    "delivered_late, poll_failures, created_at")  # fmt: skip
TOKEN_COLUMNS = "order_id, token, merchant_id, placed_at"
TABLES = (("orders", ORDER_COLUMNS), ("shipments", SHIPMENT_COLUMNS),
          ("order_name_tokens", TOKEN_COLUMNS))  # fmt: skip


def load(url: str, start: int, stop: int, chunk: int = 50_000) -> float:
    """Bulk-load orders start..stop-1: COPY on PostgreSQL, executemany on SQLite."""
    began = time.perf_counter()
    engine = sa.create_engine(url)
    raw = engine.raw_connection()
    try:
        if url.startswith("postgresql"):
            connection = raw.driver_connection
            for low in range(start, stop, chunk):
                batches = rows_for(low, min(low + chunk, stop))
                with connection.cursor() as cursor:
                    for (table, columns), rows in zip(TABLES, batches, strict=True):
                        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                connection.commit()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            connection.commit()
        else:
            cursor = raw.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("BEGIN")
            for low in range(start, stop, chunk):
                batches = rows_for(low, min(low + chunk, stop))
                for (table, columns), rows in zip(TABLES, batches, strict=True):
                    marks = ", ".join("?" * len(columns.split(",")))
                    sqlite_rows = [tuple(_sqlite(value) for value in row) for row in rows]
                    cursor.executemany(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", sqlite_rows
                    )
            cursor.execute("COMMIT")
            cursor.execute("ANALYZE")
    finally:
        raw.close()
        engine.dispose()
    return time.perf_counter() - began


def _sqlite(value):
    # What UTCDateTime stores on SQLite: naive UTC in ISO format.
    return value.replace(tzinfo=None).isoformat(sep=" ") if isinstance(value, datetime) else value


def queries() -> dict[str, str]:
    """One query per key, each finding TARGET; name prefixes repeat with the table's size."""
    v = order_values(TARGET)
    digits = v["phone"][2:]
    last_name = v["name"].split()[1]
    return {
        "order exact": v["number"],
        "order prefix": v["norm"][:-1],
        "email": v["email"].upper(),
        "phone": f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        "tracking number": v["tracking"].lower(),
        "name prefix": last_name[:5].lower(),
        "name 2 words": f"{v['name'].split()[0][:3]} {last_name[:4]}",
        # Broad prefixes an agent passes through while typing: the matches grow with the table.
        "broad: order 100": v["norm"][:3],
        "broad: name 'pa'": "pa",
    }


def measure(app, repeats: int) -> dict[str, tuple[float, float, int]]:
    """Median, p95 and fastest milliseconds and the result count of each key's search."""
    from portal.extensions import db
    from portal.services.search import search_orders

    results = {}
    with app.app_context():
        for key, text in queries().items():
            timings, found = [], 0
            for attempt in range(repeats + 5):
                began = time.perf_counter()
                page = search_orders(1, text)
                elapsed = (time.perf_counter() - began) * 1000
                found = len(page.orders)
                # Exact keys and the order prefix find the order; a name prefix finds the
                # newest 25 namesakes, which at a million orders are not all of them.
                ids = [order.id for order in page.orders]
                assert ids and (key.startswith(("name", "broad")) or TARGET + 1 in ids), (key, text)
                db.session.rollback()
                if attempt >= 5:
                    timings.append(elapsed)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            results[key] = (statistics.median(timings), p95, timings[0], found)
    return results


def plans(app) -> dict[str, list[str]]:
    """Each key's SQL plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL)."""
    from portal.extensions import db
    from portal.services.search import PAGE_SIZE, plan_queries, ranked

    out = {}
    with app.app_context():
        dialect = db.engine.dialect
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        for key, text in queries().items():
            lines = []
            for name, query in plan_queries(1, text)[0].items():
                sql = ranked(query, PAGE_SIZE + 1).compile(
                    dialect=dialect, compile_kwargs={"literal_binds": True}
                )
                rows = db.session.execute(sa.text(prefix + str(sql))).all()
                lines.append(f"  [{name}]")
                lines += ["    " + " | ".join(str(part) for part in row[-1:]) for row in rows]
            out[key] = lines
            db.session.rollback()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--quick", action="store_true", help="tiny run for the smoke test")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    small, large, repeats = args.small, args.large, args.repeats
    if args.quick:
        small, large, repeats = 5_000, 20_000, 5
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"agent search bench: {backend}, {small:,} then {large:,} orders, "
          f"{repeats} runs per key, {datetime.now(UTC):%Y-%m-%d}")  # fmt: skip

    from portal import create_app

    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        url = prepare_database(args.database_url, workdir)
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(workdir / "instance"),
                          "SECRET_KEY": "bench-" * 8,
                          "QUEUE_URL": f"sqlite:///{workdir / 'jobs.db'}"})  # fmt: skip
        figures = {}
        for size, start in ((small, 0), (large, small)):
            seconds = load(url, start, size)
            print(f"loaded {size:,} orders ({size - start:,} new) in {seconds:.1f} s")
            figures[size] = measure(app, repeats)
            for key, (median, p95, fastest, found) in figures[size].items():
                print(f"  {size:>9,}  {key:<16} median {median:7.2f} ms  p95 {p95:7.2f} ms"
                      f"  fastest {fastest:6.2f} ms  ({found} results)")  # fmt: skip
        ratios = {key: figures[large][key][0] / figures[small][key][0] for key in figures[small]}
        fastest = {key: figures[large][key][2] / figures[small][key][2] for key in figures[small]}
        print("ratio median(large)/median(small): " + ", ".join(
            f"{key} {ratio:.2f}" for key, ratio in ratios.items()))  # fmt: skip
        print("ratio fastest(large)/fastest(small): " + ", ".join(
            f"{key} {ratio:.2f}" for key, ratio in fastest.items()))  # fmt: skip
        print("query plans at the large size:")
        for key, lines in plans(app).items():
            print(f"{key}:")
            print("\n".join(lines))
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
    drop_schema(args.database_url, SCHEMA)
    print(f"worst ratio: {max(ratios.values()):.2f}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
