"""The work the queue carries: thin, idempotent, ids in, commit once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import current_app

from portal.extensions import db
from portal.services.polling import PollStats, claim_due_shipments, poll_shipments

log = logging.getLogger(__name__)


def poll_batch(shipment_ids: list[int]) -> dict[str, int]:
    """Poll one claimed batch and commit; returns the counts."""
    stats = poll_shipments(shipment_ids)
    db.session.commit()
    return {"polled": stats.polled, "events": stats.events, "failed": stats.failed}


def claimed_batches() -> Iterator[list[int]]:
    """Lease due shipments batch by batch (each lease committed) until none is due."""
    while ids := claim_due_shipments(current_app.config["POLL_BATCH_SIZE"]):
        db.session.commit()
        yield ids
    db.session.commit()


def scheduled_tick() -> int:
    """Every minute: lease due shipments and queue one poll task per batch."""
    from portal.jobs import enqueue

    claimed = 0
    for ids in claimed_batches():
        enqueue("poll_batch", ids)
        claimed += len(ids)
    if claimed:
        log.info("tick queued %d shipments", claimed)
    return claimed


def run_tick_inline() -> PollStats:
    """`flask tick`: claim and poll in this process until nothing is due."""
    total = PollStats()
    for ids in claimed_batches():
        stats = poll_shipments(ids)
        stats.claimed = len(ids)
        db.session.commit()
        total.add(stats)
    return total


def ping(value: int) -> int:
    """A no-op task for health checks and the queue round-trip test."""
    return value


TASKS = {"poll_batch": poll_batch, "ping": ping}
