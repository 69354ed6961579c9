"""Delivering the outbox: claim due rows under a lease, send outside any transaction, record."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Notification, Order, Shipment
from portal.notify import DeliveryError, OutgoingMessage
from portal.notify.transports import Transports
from portal.services.dispatch_rules import SHOPPER_CHANNELS, assess, superseded_reason
from portal.services.outgoing import build_shopper_message, build_webhook_body, render_row

log = logging.getLogger(__name__)

# A claim is short so that a killed dispatcher's rows go out again within a minute or two;
# a live one renews it while it still has LEASE_MARGIN left, enough for one message's send.
LEASE = timedelta(seconds=60)
LEASE_MARGIN = timedelta(seconds=30)
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=2)
GROUP_WINDOW = timedelta(minutes=10)
BATCH_SIZE = 50


@dataclass
class DispatchStats:
    """What a sweep did with the rows it claimed."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    waiting: int = 0
    merged: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes… (capped) plus up to 10% jitter, after the n-th failed attempt."""
    delay = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    return delay + delay * random.uniform(0, 0.1)


def group_window(merchant) -> timedelta:
    minutes = (merchant.settings or {}).get("group_window_minutes")
    return timedelta(minutes=minutes) if isinstance(minutes, int | float) else GROUP_WINDOW


def claim_due_notifications(
    limit: int, now: datetime | None = None, ids: list[int] | None = None
) -> tuple[list[int], datetime | None]:
    """Lease up to `limit` due rows (pending and due, or sending with an expired lease).

    Returns their ids and the lease (also the token that proves this worker holds them).
    PostgreSQL skips rows others hold (FOR UPDATE SKIP LOCKED); SQLite takes the write
    lock first. Each claim counts as an attempt, so a row that crashes its worker every
    time still ends `failed`. Commits the lease.
    """
    now = now or utcnow()
    begin_write()
    query = (
        select(Notification.id)
        .where(
            or_(
                and_(Notification.status == "pending", Notification.next_attempt_at <= now),
                and_(Notification.status == "sending", Notification.lease_until < now),
            )
        )
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = list(db.session.scalars(query))
    lease = _new_lease(now)
    if claimed:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(claimed))
            .values(status="sending", lease_until=lease, attempts=Notification.attempts + 1)
        )
    db.session.commit()
    return claimed, (lease if claimed else None)


def _new_lease(now: datetime) -> datetime:
    """A lease end that is also this claim's token: the random microseconds keep two claims
    made in the same instant apart."""
    return now + LEASE + timedelta(microseconds=random.randrange(1_000_000))


def _mine(lease: datetime):
    return and_(Notification.status == "sending", Notification.lease_until == lease)


def _renew(ids: list[int], lease: datetime) -> tuple[datetime, set[int]]:
    """Extend this claim over the rows of `ids` it still holds, under a fresh lease (and
    token); commits. Returns the new lease and the ids it holds: a row whose lease ran out
    and that another dispatcher claimed meanwhile is theirs, and is not sent here."""
    begin_write()
    renewed = _new_lease(utcnow())
    held = db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(ids), _mine(lease))
        .values(lease_until=renewed)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    ours = set(held)
    db.session.commit()
    return renewed, ours


def _siblings(row: Notification, lease: datetime, shipment_ids: set[int]) -> list[Notification]:
    """Rows of the order's other shipments with the same trigger, channel and recipient,
    due within the merchant's window: they go out in this one message."""
    window = group_window(row.order.merchant)
    candidates = db.session.scalars(
        select(Notification).where(
            Notification.order_id == row.order_id,
            Notification.trigger == row.trigger,
            Notification.channel == row.channel,
            Notification.recipient == row.recipient,
            Notification.id != row.id,
            Notification.shipment_id.is_not(None),
            Notification.next_attempt_at <= row.next_attempt_at + window,
            Notification.created_at >= row.created_at - window,
            or_(Notification.status == "pending", _mine(lease)),
        )
    )
    return [c for c in candidates if c.shipment_id not in shipment_ids]


def _prepare(row: Notification, lease: datetime, now: datetime, stats: DispatchStats):
    """Decide and build the message inside the claim's write transaction.

    Returns (message, group ids, content) or None when the row was settled without sending.
    """
    config = current_app.config
    decision = assess(row, row.shipment, now, config)
    if decision.action == "suppress":
        row.status, row.suppressed_reason, row.lease_until = "suppressed", decision.reason, None
        stats.suppressed += 1
        return None
    if decision.action == "wait":
        row.status, row.next_attempt_at, row.lease_until = "pending", decision.until, None
        row.attempts = max(row.attempts - 1, 0)  # waiting for morning is not a failed attempt
        stats.waiting += 1
        return None
    if row.channel == "webhook":
        message_id, body = build_webhook_body(row)
        merchant = row.order.merchant
        target = (merchant.webhook_url, merchant.webhook_secret, message_id, body)
        return target, [row.id], {"body_text": body.decode()}
    shipments = [row.shipment] if row.shipment is not None else []
    group = [row]
    several = len(row.order.shipments) > 1
    if several and row.shipment is not None and row.channel in SHOPPER_CHANNELS:
        for sibling in _siblings(row, lease, {row.shipment_id}):
            reason = superseded_reason(sibling, sibling.shipment)
            if reason:
                sibling.status, sibling.suppressed_reason = "suppressed", reason
                sibling.lease_until = None
                stats.suppressed += 1
                continue
            sibling.status, sibling.lease_until = "sending", lease
            group.append(sibling)
            shipments.append(sibling.shipment)
    shipments.sort(key=lambda shipment: shipment.id)
    rendered = render_row(row, shipments)
    row.template_problem = rendered.fallback_reason
    message = build_shopper_message(row, rendered, config)
    content = {"subject": rendered.subject, "body_text": rendered.text, "body_html": rendered.html}
    return message, [member.id for member in group], content


@dataclass
class _Ready:
    """A prepared message: what to send, which rows it settles, what to store on the row."""

    notification_id: int
    attempts: int
    message: object
    group: list[int]
    content: dict


def _load_batch(ids: list[int], lease: datetime) -> list[Notification]:
    """The claimed rows still ours, with everything rendering reads, in a few queries."""
    order_options = joinedload(Notification.order).options(
        joinedload(Order.merchant),
        selectinload(Order.items),
        selectinload(Order.links),
        selectinload(Order.shipments).selectinload(Shipment.items),
    )
    query = (
        select(Notification)
        .where(Notification.id.in_(ids), _mine(lease))
        .options(order_options, joinedload(Notification.shipment).selectinload(Shipment.items))
        .order_by(Notification.next_attempt_at, Notification.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query).unique())


def _prepare_batch(ids: list[int], lease: datetime, stats: DispatchStats) -> list[_Ready]:
    """Decide and render every claimed row in one write transaction; commits."""
    begin_write()
    now, ready, settled = utcnow(), [], set()
    for row in _load_batch(ids, lease):
        if row.id in settled or row.status != "sending":
            continue  # merged into an earlier message of this batch
        try:
            prepared = _prepare(row, lease, now, stats)
        except Exception as error:  # noqa: BLE001  (a row that cannot be built fails alone)
            log.exception("notification %s could not be prepared", row.id)
            row.status, row.lease_until = "failed", None
            row.error = f"could not build the message: {error}"[:1000]
            stats.failed += 1
            continue
        if prepared is not None:
            message, group, content = prepared
            settled.update(group)
            ready.append(_Ready(row.id, row.attempts, message, group, content))
    db.session.commit()
    return ready


def _record(ready: _Ready, lease: datetime, leader: dict, others: dict | None) -> None:
    """Store one message's outcome on its row (and the rows merged into it); commits."""
    begin_write()
    db.session.execute(
        update(Notification)
        .where(Notification.id == ready.notification_id, _mine(lease))
        .values(lease_until=None, **leader)
    )
    rest = [member for member in ready.group if member != ready.notification_id]
    if rest and others:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(rest), _mine(lease))
            .values(lease_until=None, **others)
        )
    db.session.commit()


def _send(ready: _Ready, lease: datetime, transports: Transports, stats: DispatchStats) -> None:
    """Send one prepared message outside any transaction, then record what happened."""
    message = ready.message
    try:
        if isinstance(message, OutgoingMessage):
            result = transports.for_channel(message.channel).send(message)
        else:
            result = transports.webhook.send(*message)
    except DeliveryError as error:
        text = str(error)[:1000]
        if error.permanent or ready.attempts >= MAX_ATTEMPTS:
            _record(ready, lease, {"status": "failed", "error": text}, {"status": "failed"})
            stats.failed += 1
        else:
            retry = {"status": "pending", "next_attempt_at": utcnow() + backoff(ready.attempts)}
            _record(ready, lease, {**retry, "error": text}, retry)
            stats.retried += 1
        stats.errors.append(text)
        return
    sent = {"status": "sent", "sent_at": utcnow(), "error": None}
    sent["provider_message_id"] = result.provider_message_id
    merged = {"status": "suppressed", "suppressed_reason": f"merged into #{ready.notification_id}"}
    _record(ready, lease, {**sent, **ready.content}, merged)
    stats.sent += 1
    stats.merged += len(ready.group) - 1


def dispatch_claimed(ids: list[int], lease: datetime, transports: Transports) -> DispatchStats:
    """Prepare the claimed rows together, then send them one by one, each result committed
    as it lands (a crash re-sends at most the message in flight).

    Before a message goes out with less than LEASE_MARGIN of the lease left, the claim on
    the rest of the batch is renewed, so a long batch keeps it to the end; rows that were
    taken over meanwhile are left to their new holder, never sent twice.
    """
    stats = DispatchStats(claimed=len(ids))
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        ready = _prepare_batch(ids, lease, stats)
    finally:
        session.expire_on_commit = expire_on_commit
    ours = {member for prepared in ready for member in prepared.group}
    for index, prepared in enumerate(ready):
        if utcnow() > lease - LEASE_MARGIN:
            rest = [member for later in ready[index:] for member in later.group]
            lease, ours = _renew(rest, lease)
        if ours.issuperset(prepared.group):
            _send(prepared, lease, transports, stats)
    return stats


def send_due_notifications(
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    ids: list[int] | None = None,
    transports: Transports | None = None,
) -> DispatchStats:
    """Claim and send every due row, batch by batch, until none is due; returns the totals.

    The database is the source of truth: this is what the periodic sweep, `flask tick`
    and the queue's wake-up tasks all run.
    """
    total = DispatchStats()
    own = transports is None
    transports = transports or Transports.from_config(current_app.config)
    try:
        while True:
            claimed, lease = claim_due_notifications(batch_size, now, ids)
            if not claimed:
                break
            stats = dispatch_claimed(claimed, lease, transports)
            for name in ("claimed", "sent", "retried", "failed", "suppressed", "waiting", "merged"):
                setattr(total, name, getattr(total, name) + getattr(stats, name))
            total.errors.extend(stats.errors[:5])
            if ids is not None:
                break
    finally:
        if own:
            transports.close()
    return total
