"""Database glue: UTC datetimes, SQLite pragmas and write transactions that lock up front."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from flask import has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.types import TypeDecorator

from portal.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's serialization failure and deadlock: the other transaction won, try again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def configure_engine(engine: Engine) -> None:
    """Give SQLite WAL, a busy timeout, foreign keys and explicit BEGIN statements."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy emit BEGIN itself so that write transactions can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if connection.get_execution_options().get("sqlite_immediate") or _request_may_write():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _request_may_write() -> bool:
    # Every transaction of a POST/PUT/PATCH/DELETE takes the write lock at its first query:
    # one that began as a reader cannot become a writer once another connection committed
    # (SQLITE_BUSY_SNAPSHOT ignores the busy timeout), whatever reads came first (the API
    # key, the signed-in user). GETs stay readers; the few that write use write_after_reads.
    return has_request_context() and request.method not in READ_ONLY_METHODS


def begin_write() -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).

    Call before the first query of a read-then-write transaction, so that two writers
    never both read and then fail to upgrade their lock. A no-op on PostgreSQL, and when
    the session already has a transaction.
    """
    if db.session().in_transaction():
        return
    db.session.connection(execution_options={"sqlite_immediate": True})


def write_after_reads(work: Callable[[], T]) -> T:
    """End the session's read transaction, run `work` in a writer transaction, and commit.

    For requests that read first and write a little at the end (a page view, a key's
    last use): on SQLite a read transaction that later writes can fail with SQLITE_BUSY
    when another process wrote in between, whatever the busy timeout. Loaded objects are
    expired afterwards.
    """
    db.session.rollback()
    begin_write()
    result = work()
    db.session.commit()
    return result


def is_write_conflict(error: Exception) -> bool:
    """Whether `error` means a concurrent writer got there first, so the work may run again:
    a unique key it inserted meanwhile, a lock or snapshot conflict, a serialization failure."""
    if isinstance(error, IntegrityError):
        return True
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    return "database is locked" in str(original) or (
        getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES
    )


def retry_on_conflict(work: Callable[[], T]) -> T:
    """Run `work` (a whole idempotent unit of work that begins its write and commits), and
    once more after rolling back when a concurrent writer won; the second failure raises."""
    try:
        return work()
    except (IntegrityError, OperationalError) as error:
        db.session.rollback()
        if not is_write_conflict(error):
            raise
    return work()
