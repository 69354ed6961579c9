"""The work the queue carries: thin, idempotent, ids in, commit once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import current_app

from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Shipment
from portal.services.account_mail import send_password_reset
from portal.services.dispatch import DispatchStats, send_due_notifications
from portal.services.followups import queue_feedback_nudges, queue_feedback_requests
from portal.services.polling import (
    PollStats,
    RefreshRefused,
    claim_due_shipments,
    lease_for_refresh,
    poll_shipments,
)

log = logging.getLogger(__name__)


def poll_batch(shipment_ids: list[int]) -> dict[str, int]:
    """Poll one claimed batch and commit; returns the counts. When it queued messages, the
    dispatcher is woken at once rather than at the next minute's sweep."""
    from portal.jobs import wake_dispatcher

    stats = poll_shipments(shipment_ids)
    db.session.commit()
    if stats.notified:
        wake_dispatcher()
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


def sweep_notifications() -> DispatchStats:
    """Queue the time-based follow-ups that are due, then send every due outbox row."""
    begin_write()
    now = utcnow()
    queue_feedback_requests(now)
    queue_feedback_nudges(now)
    db.session.commit()
    return send_due_notifications()


def send_notifications() -> dict[str, int]:
    """The queue's wake-up call: sweep the outbox (the rows themselves are the work list)."""
    stats = sweep_notifications()
    return {"sent": stats.sent, "retried": stats.retried, "failed": stats.failed}


def send_notification(notification_id: int) -> dict[str, int]:
    """Send one outbox row now if it is due (a resend, or a wake-up right after queueing)."""
    stats = send_due_notifications(ids=[notification_id])
    return {"sent": stats.sent, "retried": stats.retried, "failed": stats.failed}


def scheduled_tick() -> int:
    """Every minute: lease due shipments and queue one poll task per carrier and batch, then
    sweep the notification outbox (every due or lease-expired row)."""
    from portal.jobs import enqueue

    claimed = 0
    for by_carrier in claimed_batches():
        for ids in by_carrier.values():
            enqueue("poll_batch", ids)
            claimed += len(ids)
    if claimed:
        log.info("tick queued %d shipments", claimed)
    sent = sweep_notifications().sent
    if sent:
        log.info("tick sent %d notifications", sent)
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
    total.notified = sweep_notifications().sent  # SPEC §5: notified= counts messages sent
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


TASKS = {
    "poll_batch": poll_batch,
    "ping": ping,
    "send_notifications": send_notifications,
    "send_notification": send_notification,
    "send_password_reset": send_password_reset,
}
