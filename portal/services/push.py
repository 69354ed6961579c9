"""Carrier results pushed to us (webhooks) rather than polled."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from carriers import TrackingResult
from portal.extensions import db
from portal.models import Order, Shipment
from portal.services.tracking import apply_tracking_results

# With pushes arriving, polling is only a safety net for a missed webhook.
PUSHED_POLL_DELAY = timedelta(hours=12)


def apply_pushed_result(carrier: str, result: TrackingResult, now: datetime) -> int:
    """Apply a pushed result to every shipment with that carrier and number; returns how many.

    Spans merchants by design (the carrier does not know them); each row keeps its own
    merchant_id. Pushes the next poll out. Flushes, never commits.
    """
    shipments = list(
        db.session.scalars(
            select(Shipment)
            .where(Shipment.carrier == carrier, Shipment.tracking_number == result.tracking_number)
            .options(joinedload(Shipment.order).joinedload(Order.merchant))
        )
    )
    if not shipments:
        return 0
    apply_tracking_results([(shipment, result) for shipment in shipments], now)
    for shipment in shipments:
        if shipment.next_poll_at is not None:
            shipment.next_poll_at = max(shipment.next_poll_at, now + PUSHED_POLL_DELAY)
    db.session.flush()
    return len(shipments)
