"""Rendered tracking pages, kept per worker process and reused while nothing on them changed.

A key holds everything the HTML depends on: the host, the token, the order's and the
merchant's page versions (services/page_versions), the language and the current quarter hour
(the page words days relative to today, "Arriving tomorrow"). The per-response values, the CSP
nonce and the CSRF token, are rendered as random slots and filled in for every response.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

from flask import current_app
from flask_wtf.csrf import generate_csrf

from portal.services.lookup import PageStamp
from portal.web.i18n import content_locale
from portal.web.security import csp_nonce

MAX_ENTRIES = 512
# Every time zone's midnight falls on a quarter hour of UTC, so within one quarter hour
# "today" is the same day everywhere.
DAY_SAFE_SECONDS = 15 * 60

SLOT_NONCE = f"nonce{secrets.token_hex(8)}"
SLOT_CSRF = f"csrf{secrets.token_hex(8)}"


class RenderCache:
    """A small thread-safe LRU of rendered HTML."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def page_cache() -> RenderCache:
    """This application's cache of rendered pages."""
    return current_app.extensions.setdefault("tracking_page_cache", RenderCache())


def slots() -> dict[str, Callable[[], str]]:
    """Template context that renders the per-response values as slots (shadows the globals)."""
    return {"csp_nonce": lambda: SLOT_NONCE, "csrf_token": lambda: SLOT_CSRF}


def fill(html: str) -> str:
    """The cached HTML with this response's nonce and CSRF token in their slots."""
    html = html.replace(SLOT_NONCE, csp_nonce())
    if SLOT_CSRF in html:
        html = html.replace(SLOT_CSRF, generate_csrf())
    return html


def page_key(host: str, token: str, stamp: PageStamp, now: datetime) -> Hashable:
    quarter = int(now.timestamp() // DAY_SAFE_SECONDS)
    versions = (stamp.order_version, stamp.merchant_version)
    return ("page", host, token, *versions, content_locale(), quarter)


def status_etag(stamp: PageStamp, now: datetime) -> str:
    """The version part of the live status's ETag: it changes when the order or merchant
    changes, with the language, and each quarter hour (so "today" and "tomorrow" stay true)."""
    quarter = int(now.timestamp() // DAY_SAFE_SECONDS)
    parts = (stamp.order_id, stamp.order_version, stamp.merchant_version, content_locale(), quarter)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def content_etag(fingerprint: object) -> str:
    """The content part: a fingerprint of what the status shows."""
    return hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]


def split_etag(etag: str) -> tuple[str, str]:
    """(version part, content part) of a live status ETag; empty parts for anything else."""
    version, _dot, content = etag.partition(".")
    return version, content
