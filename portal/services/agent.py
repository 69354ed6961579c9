"""What support agents do to an order: notes, resends, new tracking links, lookups, view counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from portal.database import utcnow
from portal.extensions import db
from portal.models import (
    AgentNote,
    Feedback,
    Merchant,
    Notification,
    Order,
    PageView,
    TrackingLink,
    User,
)
from portal.models.analytics import AGENT_SOURCE
from portal.services.audit import record_audit
from portal.services.links import issue_tracking_link
from portal.services.orders import get_order

NOTE_MAX_CHARS = 4000
RESEND_SUFFIX = re.compile(r":resend:\d+$")
# A row on its way out already: resending it would send the message twice.
NOT_RESENDABLE = ("pending", "sending")


class AgentActionRefused(ValueError):
    """The action cannot be done; the message says why in plain words."""


@dataclass
class PageViewSummary:
    """The shopper's visits to the tracking page (agent lookups counted apart)."""

    shopper_views: int = 0
    last_seen: datetime | None = None
    last_source: str | None = None
    sources: dict[str, int] = field(default_factory=dict)
    agent_lookups: int = 0


def get_agent_order(merchant: Merchant, order_number: str) -> Order | None:
    """The merchant's order by number ('#', spaces and case ignored) with shipments, events
    and links; None for an unknown number, and for another merchant's."""
    return get_order(merchant, order_number)


def order_notifications(order: Order) -> list[Notification]:
    """Every outbox row of the order, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.order_id == order.id, Notification.merchant_id == order.merchant_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
    )


def order_notes(order: Order) -> list[AgentNote]:
    """The agents' notes on the order, oldest first (a conversation reads downwards)."""
    return list(
        db.session.scalars(
            select(AgentNote)
            .where(AgentNote.order_id == order.id, AgentNote.merchant_id == order.merchant_id)
            .order_by(AgentNote.created_at, AgentNote.id)
        )
    )


def order_feedback(order: Order) -> list[Feedback]:
    return list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.order_id == order.id, Feedback.merchant_id == order.merchant_id)
            .order_by(Feedback.created_at)
        )
    )


def page_view_summary(order: Order) -> PageViewSummary:
    """How often the shopper opened the tracking page, when last and from which link."""
    summary = PageViewSummary()
    rows = db.session.execute(
        select(PageView.source, func.count(), func.max(PageView.viewed_at))
        .where(PageView.order_id == order.id, PageView.merchant_id == order.merchant_id)
        .group_by(PageView.source)
    ).all()
    for source, count, last in rows:
        if source == AGENT_SOURCE:
            summary.agent_lookups = count
            continue
        summary.sources[source] = count
        summary.shopper_views += count
        if summary.last_seen is None or last > summary.last_seen:
            summary.last_seen, summary.last_source = last, source
    return summary


def record_agent_lookup(merchant_id: int, order_id: int) -> PageView:
    """Count an agent opening the order (PageView source "agent": the WISMO rate's numerator).

    Flushes; the caller commits.
    """
    view = PageView(merchant_id=merchant_id, order_id=order_id, source=AGENT_SOURCE)
    db.session.add(view)
    db.session.flush()
    return view


def add_note(order: Order, author: User, body: str) -> AgentNote:
    """Add an internal note by `author`; raises AgentActionRefused for an empty or long one."""
    text = (body or "").strip()
    if not text:
        raise AgentActionRefused("Write something first: the note is empty.")
    if len(text) > NOTE_MAX_CHARS:
        raise AgentActionRefused(f"Notes are limited to {NOTE_MAX_CHARS:,} characters.")
    note = AgentNote(merchant_id=order.merchant_id, order_id=order.id, author=author, body=text)
    db.session.add(note)
    db.session.flush()
    record_audit(
        order.merchant_id,
        author,
        "order.note_added",
        "order",
        order.id,
        {"order_number": order.order_number, "note_id": note.id},
    )
    return note


def get_notification(order: Order, notification_id: int) -> Notification | None:
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id,
            Notification.order_id == order.id,
            Notification.merchant_id == order.merchant_id,
        )
    )


def resend_notification(original: Notification, actor: User, now: datetime | None = None):
    """Queue the same message again as a new outbox row ("<key>:resend:<n>"), due now.

    The dispatcher sends it once, like any other row. Raises AgentActionRefused while the
    original is still pending or being sent. Flushes; returns the new row.
    """
    if original.status in NOT_RESENDABLE:
        raise AgentActionRefused("This message is still on its way out; it can't be resent yet.")
    now = now or utcnow()
    base_key = RESEND_SUFFIX.sub("", original.dedupe_key)
    earlier = db.session.scalar(
        select(func.count()).where(Notification.dedupe_key.like(f"{base_key}:resend:%"))
    )
    suffix = f":resend:{earlier + 1}"
    row = Notification(
        merchant_id=original.merchant_id,
        order_id=original.order_id,
        shipment_id=original.shipment_id,
        trigger=original.trigger,
        channel=original.channel,
        recipient=original.recipient,
        dedupe_key=base_key[: 200 - len(suffix)] + suffix,
        status="pending",
        context=dict(original.context or {}),
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    record_audit(
        original.merchant_id,
        actor,
        "notification.resent",
        "notification",
        original.id,
        {
            "new_notification_id": row.id,
            "trigger": row.trigger,
            "channel": row.channel,
            "recipient": row.recipient,
        },
    )
    return row


def reissue_tracking_link(order: Order, actor: User, now: datetime | None = None) -> TrackingLink:
    """Revoke every live link of the order (they answer 404 from now on) and issue a new one.

    Flushes; returns the new link.
    """
    now = now or utcnow()
    revoked = [link.token[:6] + "…" for link in order.links if link.revoked_at is None]
    db.session.execute(
        update(TrackingLink)
        .where(TrackingLink.order_id == order.id, TrackingLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.expire(order, ["links"])
    link = issue_tracking_link(order)
    db.session.expire(order, ["links"])
    record_audit(
        order.merchant_id,
        actor,
        "tracking_link.reissued",
        "order",
        order.id,
        {"order_number": order.order_number, "revoked": revoked, "new_link_id": link.id},
    )
    return link


def record_refresh(order: Order, shipment_id: int, actor: User, outcome: str) -> None:
    """Audit an agent's "refresh from carrier now" and what came of it; flushes."""
    record_audit(
        order.merchant_id,
        actor,
        "shipment.refreshed",
        "shipment",
        shipment_id,
        {"order_number": order.order_number, "outcome": outcome},
    )
