"""Page versions: counters that move whenever something a shopper's tracking page shows changes.

`orders.page_version` covers the order, its items, shipments, events and feedback;
`merchants.page_version` covers the brand, support details, FAQ and catalogue. The tracking
page reads both with its token in one query, so a rendered page can be reused and a live
refresh answered 304 without loading the order.

Every ORM flush is watched: a new, changed or deleted row of a model the page shows marks
its order (or merchant). Changes to the poller's own bookkeeping (next poll time, lease,
failures) mark nothing. The marks are applied just before the transaction commits, in one
UPDATE per table with the ids in order, so two writers never queue on each other's rows in
opposite orders. Writes that bypass the ORM call `touch`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal.models import (
    Feedback,
    Merchant,
    Order,
    OrderItem,
    Product,
    Shipment,
    TrackingEvent,
)

PENDING = "page_versions"

# Columns the poller keeps for itself: changing them changes no page.
BOOKKEEPING = {
    Shipment: frozenset(
        {"last_polled_at", "next_poll_at", "lease_until", "poll_failures", "last_error"}
    ),
    Merchant: frozenset({"webhook_secret", "webhook_url"}),
}


class _Pending:
    """Ids whose page version moves when the current transaction commits."""

    def __init__(self) -> None:
        self.orders: set[int] = set()
        self.shipments: set[int] = set()
        self.merchants: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.orders or self.shipments or self.merchants)


def _pending(session: Session) -> _Pending:
    pending = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = _Pending()
    return pending


def touch(
    session: Session,
    order_ids: Iterable[int] = (),
    shipment_ids: Iterable[int] = (),
    merchant_ids: Iterable[int] = (),
) -> None:
    """Mark pages changed by a write the ORM did not see (a Core insert or update)."""
    pending = _pending(session)
    pending.orders.update(order_ids)
    pending.shipments.update(shipment_ids)
    pending.merchants.update(merchant_ids)


def _changed(obj: object) -> bool:
    """Whether a dirty object really changed a column or relationship the page shows."""
    state = inspect(obj)
    ignored = BOOKKEEPING.get(type(obj), frozenset())
    return any(
        key not in ignored and state.attrs[key].history.has_changes()
        for key in state.committed_state
    )


def _mark(pending: _Pending, obj: object) -> None:
    if isinstance(obj, Order):
        pending.orders.add(obj.id)
    elif isinstance(obj, OrderItem | Shipment | Feedback):
        pending.orders.add(obj.order_id)
    elif isinstance(obj, TrackingEvent):
        pending.shipments.add(obj.shipment_id)
    elif isinstance(obj, Merchant):
        pending.merchants.add(obj.id)
    elif isinstance(obj, Product):
        pending.merchants.add(obj.merchant_id)


def _after_flush(session: Session, _context) -> None:
    """Note what this flush wrote (ids and foreign keys are set by now)."""
    pending = _pending(session)
    for obj in session.new:
        _mark(pending, obj)
    for obj in session.deleted:
        _mark(pending, obj)
    for obj in session.dirty:
        if _changed(obj):
            _mark(pending, obj)


def _before_commit(session: Session) -> None:
    """Move the versions of everything this transaction changed, in id order."""
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    orders = {order_id for order_id in pending.orders if order_id is not None}
    shipments = sorted(shipment_id for shipment_id in pending.shipments if shipment_id)
    if shipments:
        orders.update(session.scalars(select(Shipment.order_id).where(Shipment.id.in_(shipments))))
    for table, ids in ((Order.__table__, orders), (Merchant.__table__, pending.merchants)):
        ids = sorted(filter(None, ids))
        if ids:
            session.execute(
                table.update()
                .where(table.c.id.in_(ids))
                .values(page_version=table.c.page_version + 1)
            )


def _forget(session: Session, transaction) -> None:
    """A rolled-back transaction changed nothing (a savepoint's rollback keeps the marks)."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def install() -> None:
    """Watch every ORM session (idempotent)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", _forget)
