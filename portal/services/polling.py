"""Claiming due shipments, polling their carriers within quota, and applying the answers."""

from __future__ import annotations

import math
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import joinedload

from carriers import ErrorKind, TrackingResult, TrackingStatus
from carriers.status import FINAL_STATUSES
from portal.carrier_registry import carrier_for
from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Order, Shipment
from portal.services import quota
from portal.services.tracking import apply_tracking_results

LEASE = timedelta(minutes=5)
FINAL = [status.value for status in FINAL_STATUSES]
URGENT = [
    TrackingStatus.OUT_FOR_DELIVERY.value,
    TrackingStatus.EXCEPTION.value,
    TrackingStatus.ATTEMPT_FAILED.value,
    TrackingStatus.AVAILABLE_FOR_PICKUP.value,
]
ROUTINE = 2  # poll_priority ranks from here on may not touch the hour's urgent reserve


@dataclass
class PollStats:
    claimed: int = 0
    polled: int = 0
    events: int = 0
    delayed: int = 0
    notified: int = 0
    failed: int = 0

    def add(self, other: PollStats) -> None:
        for name in ("claimed", "polled", "events", "delayed", "notified", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def poll_priority(today: date):
    """Where a short quota goes first: parcels on the van or in trouble, then those due today,
    then new labels, then long-haul legs whose promise is days away (SPEC §7)."""
    return case(
        (Shipment.status.in_(URGENT), 0),
        (Shipment.promised_date <= today, 1),
        (Shipment.status.in_(["unknown", "pre_transit"]), 2),
        (Shipment.promised_date.is_(None), 3),
        else_=4,
    )


def planned_calls(now: datetime) -> dict[str, int]:
    """Calls to quota-bound carriers that claims (any worker's) have planned and no poll
    has answered yet: leased shipments, per carrier. A tick that queues several batches
    counts them so that together they never plan more than the quota pays for."""
    limited = [code for code in current_app.config["CARRIERS"] if quota.is_limited(code)]
    if not limited:
        return {}
    rows = db.session.execute(
        select(Shipment.carrier, func.count())
        .where(
            Shipment.carrier.in_(limited),
            Shipment.next_poll_at <= now,
            Shipment.lease_until > now,
        )
        .group_by(Shipment.carrier)
    )
    return {code: math.ceil(count / carrier_for(code).max_batch) for code, count in rows}


def claim_due_shipments(limit: int, now: datetime | None = None) -> dict[str, list[int]]:
    """Lease up to `limit` due shipments to this worker; returns their ids by carrier.

    Most important first, and never more per carrier than its daily and hourly quotas have
    left after the calls already planned; routine parcels leave the hour's urgent reserve
    alone. PostgreSQL skips rows other workers hold (FOR UPDATE SKIP LOCKED); SQLite takes
    the write lock up front. A crashed worker's shipments are due again once its lease ends.
    The caller commits.
    """
    now = now or utcnow()
    begin_write()
    allowances = quota.allowances(now, planned_calls(now))
    rank = poll_priority(now.date())
    query = (
        select(Shipment.id, Shipment.carrier, rank)
        .where(
            Shipment.next_poll_at <= now,
            Shipment.status.not_in(FINAL),
            or_(Shipment.lease_until.is_(None), Shipment.lease_until < now),
        )
        .order_by(rank, Shipment.next_poll_at)
        .limit(limit)
    )
    # Rows the quotas can't pay for stay out of the query, so they never crowd others out.
    exhausted = [code for code, allowance in allowances.items() if allowance.urgent == 0]
    if exhausted:
        query = query.where(Shipment.carrier.not_in(exhausted))
    reserved = [code for code, allowance in allowances.items() if allowance.routine == 0]
    if reserved:
        query = query.where(or_(Shipment.carrier.not_in(reserved), rank < ROUTINE))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Shipment)
    claimed: dict[str, list[int]] = defaultdict(list)
    for shipment_id, carrier, priority in db.session.execute(query):
        allowance = allowances.get(carrier, quota.UNLIMITED)
        left = allowance.urgent if priority < ROUTINE else allowance.routine
        if left is not None and len(claimed[carrier]) >= left * carrier_for(carrier).max_batch:
            continue  # what the quota can't pay for now stays due, in priority order
        claimed[carrier].append(shipment_id)
    ids = [shipment_id for group in claimed.values() for shipment_id in group]
    if ids:
        db.session.execute(
            update(Shipment).where(Shipment.id.in_(ids)).values(lease_until=now + LEASE)
        )
    return dict(claimed)


def _reserve_calls(calls: list[tuple[str, list]]) -> set[str]:
    """Reserve every call of each carrier from its quotas at once (two statements per carrier
    and window, not per call); returns the carriers whose calls are all paid for."""
    wanted: dict[str, int] = defaultdict(int)
    for code, _ in calls:
        wanted[code] += 1
    paid = set()
    for code, count in wanted.items():
        try:
            quota.spend(code, count, utcnow())
            paid.add(code)
        except quota.QuotaExhausted:
            pass  # nearly spent: each call reserves its own, so what is left still goes out
    return paid


def _track_call(carrier_code: str, numbers: list[str], paid: bool) -> list[TrackingResult]:
    """One carrier call within the shared rate and the daily and hourly quotas; never raises."""
    carrier = carrier_for(carrier_code)
    try:
        quota.wait_for_rate_slot(carrier_code)
        if not paid:
            quota.spend(carrier_code, math.ceil(len(numbers) / carrier.max_batch), utcnow())
    except quota.QuotaExhausted as exhausted:
        return [
            TrackingResult.failure(
                number, ErrorKind.RATE_LIMITED, str(exhausted), exhausted.retry_after
            )
            for number in numbers
        ]
    return carrier.track(numbers)


def load_for_polling(shipment_ids: list[int]) -> list[Shipment]:
    """The shipments with what applying a result reads (order, merchant), in one query."""
    return list(
        db.session.scalars(
            select(Shipment)
            .where(Shipment.id.in_(shipment_ids))
            .options(joinedload(Shipment.order).joinedload(Order.merchant))
        )
    )


def poll_shipments(shipment_ids: list[int]) -> PollStats:
    """Poll the given shipments' carriers and apply every answer; the caller commits.

    The carrier calls happen outside any transaction (other workers write meanwhile);
    the answers are applied in one writer transaction.
    """
    stats = PollStats()
    targets = db.session.execute(
        select(Shipment.id, Shipment.carrier, Shipment.tracking_number).where(
            Shipment.id.in_(shipment_ids)
        )
    ).all()
    db.session.rollback()
    by_carrier: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for shipment_id, carrier, number in targets:
        by_carrier[carrier].append((shipment_id, number))
    calls = []
    for code, group in by_carrier.items():
        size = carrier_for(code).max_batch
        calls.extend((code, group[start : start + size]) for start in range(0, len(group), size))

    app = current_app._get_current_object()
    workers = max(1, min(app.config["POLL_CONCURRENCY"], len(calls)))
    paid = _reserve_calls(calls)

    def run(call):
        code, batch = call
        with app.app_context():
            return _track_call(code, [number for _, number in batch], code in paid)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(run, calls))

    results: dict[int, TrackingResult] = {}
    for (_, batch), call_results in zip(calls, answers, strict=True):
        by_number = {result.tracking_number: result for result in call_results}
        for shipment_id, number in batch:
            results[shipment_id] = by_number.get(number) or TrackingResult.failure(
                number, ErrorKind.PARSE, "the carrier's answer left it out"
            )
    begin_write()
    pairs = [(shipment, results[shipment.id]) for shipment in load_for_polling(list(results))]
    for outcome in apply_tracking_results(pairs, utcnow()):
        stats.polled += 1
        stats.events += outcome.new_events
        stats.failed += int(outcome.failed)
        stats.delayed += int(outcome.delayed_now)
        stats.notified += outcome.notifications
    return stats


def quota_usage(day: date | None = None) -> dict[str, tuple[int, int | None]]:
    """Requests spent today per carrier, with the configured daily quota (None: unlimited)."""
    day = day or utcnow().date()
    used = quota.usage_today(day)
    return {
        code: (used.get(code, 0), quota.carrier_limits(code)[1])
        for code in current_app.config["CARRIERS"]
    }


REFRESH_MIN_INTERVAL = timedelta(minutes=1)


class RefreshRefused(Exception):
    """The shipment cannot be refreshed right now; the message says why in plain words."""


def lease_for_refresh(shipment: Shipment, now: datetime) -> None:
    """Lease one shipment for an immediate poll, at most once a minute; the caller commits.

    Raises RefreshRefused when it was polled in the last minute or a worker holds it.
    """
    if shipment.is_final:
        raise RefreshRefused("Tracking has stopped for this shipment.")
    if shipment.last_polled_at and now - shipment.last_polled_at < REFRESH_MIN_INTERVAL:
        raise RefreshRefused("It was checked with the carrier less than a minute ago.")
    leased = db.session.execute(
        update(Shipment)
        .where(
            Shipment.id == shipment.id,
            or_(Shipment.lease_until.is_(None), Shipment.lease_until < now),
        )
        .values(lease_until=now + LEASE)
    )
    if leased.rowcount != 1:
        raise RefreshRefused("A worker is checking it with the carrier right now.")
