"""Test helpers: put a shipment in a tracking state with carrier events; record a request's SQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from sqlalchemy import event

from portal.extensions import db
from portal.models import Shipment, TrackingEvent

EASTERN = timezone(timedelta(hours=-5))


def eastern(*args: int) -> datetime:
    return datetime(*args, tzinfo=EASTERN)


def set_tracking(shipment: Shipment, status: str, events=(), **fields) -> Shipment:
    """Set the shipment's status and fields and add events (occurred_at, status, text, city).

    Needs the app context that the `db` fixture pushes; commits.
    """
    shipment.status = status
    for key, value in fields.items():
        setattr(shipment, key, value)
    for occurred_at, event_status, description, city in events:
        key = hashlib.sha256(f"{occurred_at}{description}{city}".encode()).hexdigest()
        shipment.events.append(
            TrackingEvent(
                merchant_id=shipment.merchant_id,
                event_key=key,
                occurred_at=occurred_at,
                utc_offset_minutes=int(occurred_at.utcoffset().total_seconds() // 60),
                status=event_status,
                description=description,
                city=city,
                region="NY" if city else None,
                country="US" if city else None,
            )
        )
    db.session.commit()
    db.session.refresh(shipment)
    return shipment


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """Yield the list that collects, in order, each SQL statement `app` sends inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
