"""Recording who opened a tracking page and from where.

A shopper's view is noted in memory and written with the others of the last second in one
statement by a background thread of the worker process, so the page never waits for the
database's write lock. A view can be lost only when a worker is killed outright within that
second; a worker that exits normally writes what it holds. With `PAGE_VIEW_FLUSH_SECONDS`
set to 0 (the tests' setting) each view is written before the response.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from datetime import datetime

from flask import Flask, current_app

from portal.database import begin_write, utcnow, write_after_reads
from portal.extensions import db
from portal.models import PageView
from portal.models.analytics import DIRECT_SOURCE, LINK_SOURCES

log = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 1.0
# A burst this large is written at once rather than waiting for the second to end.
MAX_PENDING = 1000
# While the database is unreachable, views beyond this many are dropped rather than hoarded.
MAX_KEPT = 50 * MAX_PENDING


def page_view_source(raw: str | None) -> str:
    """The PageView source for a `?src=` value: a known link source, else "direct"."""
    return raw if raw in LINK_SOURCES else DIRECT_SOURCE


def record_page_view(merchant_id: int, order_id: int, source: str) -> PageView:
    """Add a page view of the order; flushes, the caller commits."""
    view = PageView(merchant_id=merchant_id, order_id=order_id, source=source)
    db.session.add(view)
    db.session.flush()
    return view


class PageViewBuffer:
    """Views waiting to be written, and the thread that writes them."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self.flushed = threading.Event()  # set by the thread after each round
        self._owner_pid: int | None = None  # the thread does not survive a fork

    def add(self, merchant_id: int, order_id: int, source: str, at: datetime) -> None:
        row = {"merchant_id": merchant_id, "order_id": order_id, "source": source, "viewed_at": at}
        with self._lock:
            self._rows.append(row)
            burst = len(self._rows) >= MAX_PENDING
            if self._owner_pid != os.getpid():
                self._owner_pid = os.getpid()
                threading.Thread(target=self._run, name="page-views", daemon=True).start()
        if burst:
            self.wake()

    def flush(self) -> int:
        """Write every waiting view in one statement; returns how many."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        with self.app.app_context():
            try:
                begin_write()
                db.session.execute(PageView.__table__.insert(), rows)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("could not write %d page views; will try again", len(rows))
                with self._lock:
                    if len(self._rows) < MAX_KEPT:
                        self._rows[:0] = rows
                return 0
        return len(rows)

    def wake(self) -> None:
        """Have the thread write now rather than at the end of its interval."""
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()
            self.flushed.set()


def _buffer(app: Flask) -> PageViewBuffer:
    buffer = app.extensions.get("page_view_buffer")
    if buffer is None:
        interval = float(app.config.get("PAGE_VIEW_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))
        buffer = app.extensions["page_view_buffer"] = PageViewBuffer(app, interval)
        atexit.register(buffer.flush)
    return buffer


def note_page_view(merchant_id: int, order_id: int, source: str) -> None:
    """Count a shopper's view of the order: written within the flush interval."""
    app = current_app._get_current_object()
    if float(app.config.get("PAGE_VIEW_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS)) <= 0:
        write_after_reads(lambda: record_page_view(merchant_id, order_id, source))
        return
    _buffer(app).add(merchant_id, order_id, source, utcnow())
