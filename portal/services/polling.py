"""Claiming due shipments, polling their carriers and counting what it cost."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from carriers import ErrorKind, TrackingResult
from carriers.status import FINAL_STATUSES
from portal.carrier_registry import carrier_for
from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import CarrierUsage, Shipment
from portal.services.tracking import apply_tracking_result

LEASE = timedelta(minutes=5)
FINAL = [status.value for status in FINAL_STATUSES]


@dataclass
class PollStats:
    claimed: int = 0
    polled: int = 0
    events: int = 0
    delayed: int = 0
    notified: int = 0
    failed: int = 0
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: PollStats) -> None:
        for name in ("claimed", "polled", "events", "delayed", "notified", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for carrier, count in other.requests.items():
            self.requests[carrier] += count


def claim_due_shipments(limit: int, now: datetime | None = None) -> list[int]:
    """Lease up to `limit` due shipments to this worker and return their ids.

    PostgreSQL skips rows other workers hold (FOR UPDATE SKIP LOCKED); SQLite takes the
    write lock up front. A crashed worker's shipments are due again once its lease ends.
    The caller commits.
    """
    now = now or utcnow()
    begin_write()
    query = (
        select(Shipment.id)
        .where(
            Shipment.next_poll_at <= now,
            Shipment.status.not_in(FINAL),
            or_(Shipment.lease_until.is_(None), Shipment.lease_until < now),
        )
        .order_by(Shipment.next_poll_at)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(Shipment).where(Shipment.id.in_(ids)).values(lease_until=now + LEASE)
        )
    return ids


def _track_batch(carrier_code: str, numbers: list[str]) -> list[TrackingResult]:
    return carrier_for(carrier_code).track(numbers)


def record_carrier_usage(requests: dict[str, int], day: date) -> None:
    """Add this batch's request counts to the shared per-day ledger."""
    for carrier, count in requests.items():
        usage = db.session.get(CarrierUsage, (carrier, day))
        if usage is None:
            db.session.add(CarrierUsage(carrier=carrier, day=day, requests=count))
        else:
            usage.requests = CarrierUsage.requests + count
    db.session.flush()


def poll_shipments(shipment_ids: list[int]) -> PollStats:
    """Poll the given shipments' carriers and apply every answer; the caller commits."""
    stats = PollStats()
    shipments = list(db.session.scalars(select(Shipment).where(Shipment.id.in_(shipment_ids))))
    by_carrier: dict[str, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        by_carrier[shipment.carrier].append(shipment)

    calls = []
    for code, group in by_carrier.items():
        size = carrier_for(code).max_batch
        for start in range(0, len(group), size):
            calls.append((code, group[start : start + size]))

    workers = max(1, min(current_app.config["POLL_CONCURRENCY"], len(calls)))
    app = current_app._get_current_object()

    def run(call):
        code, batch = call
        with app.app_context():
            return _track_batch(code, [shipment.tracking_number for shipment in batch])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(run, calls))

    now = utcnow()
    for (code, batch), results in zip(calls, answers, strict=True):
        stats.requests[code] += 1
        by_number = {result.tracking_number: result for result in results}
        for shipment in batch:
            result = by_number.get(shipment.tracking_number) or TrackingResult.failure(
                shipment.tracking_number,
                ErrorKind.PARSE,
                "the carrier's answer left this number out",
            )
            outcome = apply_tracking_result(shipment, result, now)
            stats.polled += 1
            stats.events += outcome.new_events
            stats.failed += int(outcome.failed)
    record_carrier_usage(stats.requests, now.date())
    return stats


def quota_usage(day: date | None = None) -> dict[str, tuple[int, int | None]]:
    """Requests spent today per carrier, with the configured daily quota (None: unlimited)."""
    day = day or utcnow().date()
    used = {
        usage.carrier: usage.requests
        for usage in db.session.scalars(select(CarrierUsage).where(CarrierUsage.day == day))
    }
    carriers = current_app.config["CARRIERS"]
    return {code: (used.get(code, 0), carriers[code]["daily_quota"]) for code in carriers}
