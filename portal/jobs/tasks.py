"""The work the queue carries: thin, idempotent, ids in, commit once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import current_app

from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Shipment
from portal.services.polling import (
    PollStats,
    RefreshRefused,
    claim_due_shipments,
    lease_for_refresh,
    poll_shipments,
)

log = logging.getLogger(__name__)


def poll_batch(shipment_ids: list[int]) -> dict[str, int]:
    """Poll one claimed batch and commit; returns the counts."""
    stats = poll_shipments(shipment_ids)
    db.session.commit()
    return {
        "polled": stats.polled,
        "events": stats.events,
        "delayed": stats.delayed,
        "notified": stats.notified,
        "failed": stats.failed,
    }


def claimed_batches() -> Iterator[dict[str, list[int]]]:
    """Lease due shipments batch by batch (each lease committed) until none is due;
    yields each batch's ids grouped by carrier."""
    while by_carrier := claim_due_shipments(current_app.config["POLL_BATCH_SIZE"]):
        db.session.commit()
        yield by_carrier
    db.session.commit()


def scheduled_tick() -> int:
    """Every minute: lease due shipments and queue one poll task per carrier and batch."""
    from portal.jobs import enqueue

    claimed = 0
    for by_carrier in claimed_batches():
        for ids in by_carrier.values():
            enqueue("poll_batch", ids)
            claimed += len(ids)
    if claimed:
        log.info("tick queued %d shipments", claimed)
    return claimed


def run_tick_inline() -> PollStats:
    """`flask tick`: claim and poll in this process until nothing is due."""
    total = PollStats()
    for by_carrier in claimed_batches():
        ids = [shipment_id for group in by_carrier.values() for shipment_id in group]
        stats = poll_shipments(ids)
        stats.claimed = len(ids)
        db.session.commit()
        total.add(stats)
    return total


def refresh_now(shipment_id: int) -> PollStats:
    """Poll one shipment immediately (the agent console's "refresh from carrier").

    Leases it in a short write transaction, polls outside it, applies and commits.
    Raises RefreshRefused (nothing changed) when polled in the last minute or held.
    """
    begin_write()
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        raise RefreshRefused("No such shipment.")
    try:
        lease_for_refresh(shipment, utcnow())
    except RefreshRefused:
        db.session.rollback()
        raise
    db.session.commit()
    stats = poll_shipments([shipment_id])
    stats.claimed = 1
    db.session.commit()
    return stats


def ping(value: int) -> int:
    """A no-op task for health checks and the queue round-trip test."""
    return value


TASKS = {"poll_batch": poll_batch, "ping": ping}
