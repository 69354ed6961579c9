"""What the bench scripts share: a free loopback port, an empty database, gunicorn serving it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(database_url: str | None, workdir: Path, schema: str) -> str:
    """The URL of an empty database: a SQLite file in `workdir` when `database_url` is None,
    else the schema `schema` of that PostgreSQL database, dropped and created anew."""
    if database_url is None:
        return f"sqlite:///{workdir / 'bench.db'}"
    admin = sa.create_engine(database_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{database_url}?options=-csearch_path%3D{schema}"


def drop_schema(database_url: str | None, schema: str) -> None:
    """Drop the PostgreSQL schema `fresh_database` made; a SQLite file goes with its folder."""
    if database_url is None:
        return
    admin = sa.create_engine(database_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def create_tables(url: str) -> None:
    """Create every table of the portal's models in the database at `url`."""
    import portal.models  # noqa: F401  (every table registered)
    from portal.extensions import db

    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int = 1):
    """`gunicorn wsgi:app` on 127.0.0.1:`port` with `env`, once it answers /healthz."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-w", str(workers), "--threads", str(threads)]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
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
