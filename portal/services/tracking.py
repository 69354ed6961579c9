"""Turning a carrier's answer into the shipment's stored truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from carriers import TrackingResult, TrackingStatus
from carriers.status import SIDE_STATUSES, STATUS_RANK
from portal.extensions import db
from portal.models import Shipment, TrackingEvent
from portal.services.schedule import next_poll_time, retry_time


@dataclass
class ApplyOutcome:
    new_events: int = 0
    status_changed: bool = False
    failed: bool = False


def resolve_status(current: TrackingStatus, reported: TrackingStatus) -> TrackingStatus:
    """The status after a carrier reports `reported` for a shipment now at `current` (SPEC §6)."""
    if reported == current or reported == TrackingStatus.UNKNOWN:
        return current
    if current == TrackingStatus.DELIVERED:
        return reported if reported == TrackingStatus.RETURNED else current
    if reported in SIDE_STATUSES or reported == TrackingStatus.CANCELLED:
        return reported
    if current in SIDE_STATUSES or current in (TrackingStatus.CANCELLED, TrackingStatus.EXPIRED):
        return reported  # progress resumed (exception → in_transit)
    if STATUS_RANK[reported] < STATUS_RANK[current]:
        return current  # an older or out-of-order answer never moves a shipment back
    return reported


def _estimate_json(result: TrackingResult) -> dict | None:
    estimate = result.estimated_delivery
    if estimate is None:
        return None
    return {
        "date": estimate.date.isoformat(),
        "window_start": estimate.window_start.isoformat() if estimate.window_start else None,
        "window_end": estimate.window_end.isoformat() if estimate.window_end else None,
        "source": "carrier",
        "basis": None,
    }


def _insert_new_events(shipment: Shipment, result: TrackingResult) -> int:
    known = set(
        db.session.scalars(
            select(TrackingEvent.event_key).where(TrackingEvent.shipment_id == shipment.id)
        )
    )
    added = 0
    for event in result.events:
        key = event.key
        if key in known:
            continue
        known.add(key)
        offset = event.occurred_at.utcoffset()
        db.session.add(
            TrackingEvent(
                merchant_id=shipment.merchant_id,
                shipment_id=shipment.id,
                event_key=key,
                occurred_at=event.occurred_at,
                utc_offset_minutes=int(offset.total_seconds() // 60) if offset else 0,
                status=event.status.value,
                code=event.code,
                description=event.description[:500],
                city=event.location.city,
                region=event.location.region,
                postal_code=event.location.postal_code,
                country=event.location.country,
            )
        )
        added += 1
    return added


def apply_tracking_result(
    shipment: Shipment, result: TrackingResult, now: datetime
) -> ApplyOutcome:
    """Store what the carrier said: new events once, status by rank, estimate, delivery facts.

    A carrier error changes only the failure count and the next poll time. Flushes, never
    commits.
    """
    outcome = ApplyOutcome()
    shipment.lease_until = None
    shipment.last_polled_at = now
    if not result.ok:
        shipment.poll_failures += 1
        shipment.last_error = f"{result.error.kind}: {result.error.message}"[:300]
        shipment.next_poll_at = retry_time(shipment.poll_failures, now, result.error.retry_after)
        outcome.failed = True
        return outcome

    outcome.new_events = _insert_new_events(shipment, result)
    if result.events:
        newest = max(event.occurred_at for event in result.events)
        if shipment.last_event_at is None or newest > shipment.last_event_at:
            shipment.last_event_at = newest

    current = TrackingStatus(shipment.status)
    status = resolve_status(current, result.status)
    if status != current:
        shipment.status = status.value
        shipment.status_changed_at = now
        outcome.status_changed = True
    if status == TrackingStatus.DELIVERED or current == TrackingStatus.DELIVERED:
        shipment.estimated_delivery = None
        shipment.delivered_at = result.delivered_at or shipment.delivered_at or now
        shipment.signed_by = result.signed_by or shipment.signed_by
        shipment.delivery_location = result.delivery_location or shipment.delivery_location
    else:
        estimate = _estimate_json(result)
        if estimate is not None:
            shipment.estimated_delivery = estimate
            shipment.promised_date = result.estimated_delivery.date
            shipment.first_promised_date = shipment.first_promised_date or shipment.promised_date
    shipment.carrier_status_code = result.carrier_status_code
    shipment.carrier_status_text = (result.carrier_status_text or "")[:300] or None
    shipment.service = result.service or shipment.service
    shipment.poll_failures = 0
    shipment.last_error = None
    shipment.next_poll_at = next_poll_time(shipment, now)
    db.session.flush()
    return outcome
