"""Turning carriers' answers into the shipments' stored truth, a batch at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from carriers import ErrorKind, TrackingResult, TrackingStatus
from carriers.status import SIDE_STATUSES, STATUS_RANK
from portal.extensions import db
from portal.models import Shipment, ShipmentChange, TrackingEvent
from portal.services import page_versions
from portal.services.delays import DelayFacts, DelaySettings, assess_delay, delivered_late
from portal.services.estimates import predict_delivery
from portal.services.outbox import NotificationRequest, queue_notifications
from portal.services.schedule import PollSettings, next_poll_time, retry_time, should_expire
from portal.services.timezones import destination_timezone

# A status reached for the first time that the shopper hears about, by trigger name.
STATUS_TRIGGERS = {
    TrackingStatus.OUT_FOR_DELIVERY: "out_for_delivery",
    TrackingStatus.AVAILABLE_FOR_PICKUP: "available_for_pickup",
    TrackingStatus.ATTEMPT_FAILED: "attempt_failed",
    TrackingStatus.EXCEPTION: "exception",
    TrackingStatus.DELIVERED: "delivered",
}
MOVING = frozenset(
    {
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
        TrackingStatus.AVAILABLE_FOR_PICKUP,
        TrackingStatus.ATTEMPT_FAILED,
        TrackingStatus.EXCEPTION,
        TrackingStatus.DELIVERED,
    }
)


@dataclass
class ApplyOutcome:
    new_events: int = 0
    status_changed: bool = False
    delayed_now: bool = False
    notifications: int = 0
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


def _carrier_estimate(result: TrackingResult) -> dict | None:
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


class _Batch:
    """What applying one batch needs from the database, loaded in a few queries."""

    def __init__(self, shipments: Sequence[Shipment], now: datetime) -> None:
        self.now = now
        ids = [shipment.id for shipment in shipments]
        self.order_of = {shipment.id: shipment.order_id for shipment in shipments}
        self.known_keys: dict[int, set[str]] = defaultdict(set)
        rows = db.session.execute(
            select(TrackingEvent.shipment_id, TrackingEvent.event_key).where(
                TrackingEvent.shipment_id.in_(ids)
            )
        )
        for shipment_id, key in rows:
            self.known_keys[shipment_id].add(key)
        self.notifications: list[NotificationRequest] = []
        self.new_events: list[dict] = []
        self.changes: list[dict] = []

    def record_change(
        self,
        shipment: Shipment,
        kind: str,
        old: str | None,
        new: str | None,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        """Note a status transition or delay change for the shipment's history."""
        self.changes.append(
            {
                "merchant_id": shipment.merchant_id,
                "shipment_id": shipment.id,
                "kind": kind,
                "old_value": old,
                "new_value": new,
                "detail": detail,
                "created_at": now,
            }
        )

    def insert_rows(self) -> None:
        """One executemany per table for the whole batch (Core inserts: no ids needed back,
        and rows with different empty fields still go in one statement)."""
        if self.new_events:
            db.session.execute(TrackingEvent.__table__.insert(), self.new_events)
            orders = {self.order_of[row["shipment_id"]] for row in self.new_events}
            page_versions.touch(db.session, order_ids=orders)
        if self.changes:
            db.session.execute(ShipmentChange.__table__.insert(), self.changes)


def apply_tracking_results(
    pairs: Sequence[tuple[Shipment, TrackingResult]], now: datetime
) -> list[ApplyOutcome]:
    """Store what the carriers said for a batch of shipments; one outcome per pair.

    New events are inserted once, status moves by SPEC §6's ranks, estimates, delivery
    facts, delays, transitions and the outbox rows they cause are written in the caller's
    transaction. A carrier error changes only the failure count and the next poll time.
    Flushes, never commits.
    """
    batch = _Batch([shipment for shipment, _ in pairs], now)
    outcomes = [_apply(shipment, result, now, batch) for shipment, result in pairs]
    batch.insert_rows()
    rows = queue_notifications(batch.notifications, now)
    by_shipment = defaultdict(int)
    for row in rows:
        by_shipment[row["shipment_id"]] += 1
    for (shipment, _), outcome in zip(pairs, outcomes, strict=True):
        outcome.notifications = by_shipment[shipment.id]
    db.session.flush()
    return outcomes


def _apply(
    shipment: Shipment, result: TrackingResult, now: datetime, batch: _Batch
) -> ApplyOutcome:
    outcome = ApplyOutcome()
    record_change = batch.record_change
    merchant_settings = shipment.order.merchant.settings
    poll_settings = PollSettings.from_merchant(merchant_settings)
    shipment.lease_until = None
    shipment.last_polled_at = now

    if not result.ok and result.error.kind != ErrorKind.NOT_FOUND:
        shipment.poll_failures += 1
        shipment.last_error = f"{result.error.kind}: {result.error.message}"[:300]
        shipment.next_poll_at = retry_time(shipment.poll_failures, now, result.error.retry_after)
        outcome.failed = True
        return outcome

    shipment.poll_failures = 0
    if result.ok:
        shipment.last_error = None
        outcome.new_events = _insert_new_events(shipment, result, batch)
        outcome.status_changed = _update_status(shipment, result, now, batch)
        _update_delivery_facts(shipment, result)
        _update_estimate(shipment, result, now)
        outcome.delayed_now = _update_delay(shipment, result, now, batch, merchant_settings)
    else:
        # Not found: normal in the first hours; keep trying until the expiry rule says stop.
        shipment.last_error = f"not_found: {result.error.message}"[:300]

    if should_expire(shipment, now, poll_settings):
        record_change(shipment, "status", shipment.status, TrackingStatus.EXPIRED.value, now)
        shipment.status = TrackingStatus.EXPIRED.value
        shipment.status_changed_at = now
        shipment.delayed = False
        outcome.status_changed = True
    shipment.next_poll_at = next_poll_time(shipment, now, poll_settings)
    return outcome


def _insert_new_events(shipment: Shipment, result: TrackingResult, batch: _Batch) -> int:
    known = batch.known_keys[shipment.id]
    added = 0
    for event in result.events:
        key = event.key
        if key in known:
            continue
        known.add(key)
        offset = event.occurred_at.utcoffset()
        batch.new_events.append(
            {
                "merchant_id": shipment.merchant_id,
                "shipment_id": shipment.id,
                "event_key": key,
                "occurred_at": event.occurred_at,
                "utc_offset_minutes": int(offset.total_seconds() // 60) if offset else 0,
                "status": event.status.value,
                "code": event.code,
                "description": event.description[:500],
                "city": event.location.city,
                "region": event.location.region,
                "postal_code": event.location.postal_code,
                "country": event.location.country,
                "created_at": batch.now,
            }
        )
        added += 1
    if result.events:
        newest = max(event.occurred_at for event in result.events)
        if shipment.last_event_at is None or newest > shipment.last_event_at:
            shipment.last_event_at = newest
    return added


def _update_status(
    shipment: Shipment, result: TrackingResult, now: datetime, batch: _Batch
) -> bool:
    current = TrackingStatus(shipment.status)
    status = resolve_status(current, result.status)
    shipment.carrier_status_code = result.carrier_status_code
    shipment.carrier_status_text = (result.carrier_status_text or "")[:300] or None
    shipment.service = result.service or shipment.service
    if status == current:
        return False
    batch.record_change(shipment, "status", current.value, status.value, now)
    shipment.status = status.value
    shipment.status_changed_at = now
    newest_key = max(result.events, key=lambda e: e.occurred_at).key if result.events else None
    # Only the latest news is sent: a first poll that finds a parcel delivered says so once.
    trigger = STATUS_TRIGGERS.get(status)
    if trigger is None and status in MOVING and current not in MOVING:
        trigger = "shipped"
    if trigger:
        batch.notifications.append(
            NotificationRequest(shipment.order, trigger, shipment, event_key=newest_key)
        )
    return True


def _update_delivery_facts(shipment: Shipment, result: TrackingResult) -> None:
    if shipment.status != TrackingStatus.DELIVERED.value:
        return
    shipment.delivered_at = result.delivered_at or shipment.delivered_at or shipment.last_event_at
    shipment.signed_by = result.signed_by or shipment.signed_by
    shipment.delivery_location = result.delivery_location or shipment.delivery_location


def _destination_tz(shipment: Shipment):
    order = shipment.order
    return destination_timezone(order.ship_country, order.ship_region, order.ship_postal_code)


def _update_estimate(shipment: Shipment, result: TrackingResult, now: datetime) -> None:
    # The carrier's own first promise (UPS SDD beside RDD) is the first promised date even
    # when Porchlight first hears of the parcel after the promise moved or it arrived.
    carrier_first = result.first_promised_date
    if shipment.status in (TrackingStatus.DELIVERED.value, TrackingStatus.RETURNED.value):
        shipment.estimated_delivery = None
        shipment.first_promised_date = shipment.first_promised_date or carrier_first
        return
    estimate = _carrier_estimate(result)
    if estimate is None and TrackingStatus(shipment.status) in MOVING:
        current = shipment.estimated_delivery
        if current is None or current.get("source") == "porchlight":
            shipped_at = _first_moving_time(result) or now
            order = shipment.order
            estimate = current or predict_delivery(
                shipment.merchant_id,
                shipment.carrier,
                shipment.service,
                order.ship_country,
                order.ship_region,
                shipped_at,
                _destination_tz(shipment),
            )
    if estimate is None:
        return
    shipment.estimated_delivery = estimate
    shipment.promised_date = datetime.fromisoformat(estimate["date"]).date()
    first = shipment.promised_date
    if carrier_first is not None and estimate.get("source") == "carrier":
        # An original promise later than today's estimate (arriving early) broke nothing.
        first = min(carrier_first, first)
    shipment.first_promised_date = shipment.first_promised_date or first


def _first_moving_time(result: TrackingResult) -> datetime | None:
    times = [event.occurred_at for event in result.events if event.status in MOVING]
    return min(times) if times else None


def _update_delay(
    shipment: Shipment,
    result: TrackingResult,
    now: datetime,
    batch: _Batch,
    merchant_settings: dict | None,
) -> bool:
    tz = _destination_tz(shipment)
    if shipment.status == TrackingStatus.DELIVERED.value:
        shipment.delivered_late = delivered_late(
            shipment.first_promised_date, shipment.delivered_at, tz
        )
    newest = max(result.events, key=lambda e: e.occurred_at) if result.events else None
    labels = [e.occurred_at for e in result.events if e.status == TrackingStatus.PRE_TRANSIT]
    facts = DelayFacts(
        status=shipment.status,
        promised_date=shipment.promised_date,
        first_promised_date=shipment.first_promised_date,
        promise_source=(shipment.estimated_delivery or {}).get("source"),
        last_scan_at=shipment.last_event_at,
        last_scan_description=newest.description if newest else None,
        last_scan_place=str(newest.location) or None if newest else None,
        label_created_at=min(labels) if labels else shipment.created_at,
        carrier_delay=result.carrier_delay,
        destination_tz=tz,
        delivered_at=shipment.delivered_at,
        destination_name=shipment.order.ship_city,
    )
    assessment = assess_delay(facts, now, DelaySettings.from_merchant(merchant_settings or {}))
    was_delayed, old_reason = shipment.delayed, shipment.delay_reason
    shipment.delayed = assessment.delayed
    shipment.delay_reason = assessment.reason
    shipment.delay_explanation = assessment.explanation
    if (was_delayed, old_reason) != (assessment.delayed, assessment.reason):
        batch.record_change(
            shipment, "delay", old_reason, assessment.reason, now, assessment.explanation
        )
    if not assessment.delayed:
        return False
    batch.notifications.append(
        NotificationRequest(
            shipment.order,
            "delayed",
            shipment,
            promised_date=assessment.new_date or shipment.promised_date,
            context={"reason": assessment.reason, "explanation": assessment.explanation},
        )
    )
    return not was_delayed
