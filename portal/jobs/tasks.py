"""The work the queue carries: thin, idempotent, ids in, commit once."""

from __future__ import annotations

import logging

from flask import current_app

from portal.extensions import db
from portal.services.polling import PollStats, batched, claim_due_shipments, poll_shipments

log = logging.getLogger(__name__)


def poll_batch(shipment_ids: list[int]) -> dict[str, int]:
    """Poll one claimed batch and commit; returns the counts."""
    stats = poll_shipments(shipment_ids)
    db.session.commit()
    return {"polled": stats.polled, "events": stats.events, "failed": stats.failed}


def scheduled_tick() -> int:
    """Every minute: lease due shipments and queue one poll task per batch."""
    from portal.jobs import enqueue

    claimed = 0
    batch_size = current_app.config["POLL_BATCH_SIZE"]
    while True:
        ids = claim_due_shipments(batch_size)
        db.session.commit()
        if not ids:
            break
        claimed += len(ids)
        for chunk in batched(ids, batch_size):
            enqueue("poll_batch", chunk)
        if len(ids) < batch_size:
            break
    if claimed:
        log.info("tick queued %d shipments", claimed)
    return claimed


def run_tick_inline() -> PollStats:
    """`flask tick`: claim and poll in this process until nothing is due."""
    total = PollStats()
    batch_size = current_app.config["POLL_BATCH_SIZE"]
    while True:
        ids = claim_due_shipments(batch_size)
        db.session.commit()
        if not ids:
            break
        stats = poll_shipments(ids)
        stats.claimed = len(ids)
        db.session.commit()
        total.add(stats)
    return total


def ping(value: int) -> int:
    """A no-op task for health checks and the queue round-trip test."""
    return value


TASKS = {"poll_batch": poll_batch, "ping": ping}
