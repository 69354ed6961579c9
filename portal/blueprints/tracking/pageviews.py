"""Recording who opened a tracking page and from where."""

from __future__ import annotations

from portal.extensions import db
from portal.models import PageView

# Sources a shopper's link may claim; "agent" is set by the console, never by a query string.
LINK_SOURCES = ("email", "sms", "lookup")


def page_view_source(raw: str | None) -> str:
    """The PageView source for a `?src=` value: a known link source, else "direct"."""
    return raw if raw in LINK_SOURCES else "direct"


def record_page_view(merchant_id: int, order_id: int, source: str) -> PageView:
    """Add a page view of the order; flushes, the caller commits."""
    view = PageView(merchant_id=merchant_id, order_id=order_id, source=source)
    db.session.add(view)
    db.session.flush()
    return view
