"""The audit log: who did what to which record, for the merchant's own eyes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, User


def record_audit(
    merchant_id: int,
    actor: User | None,
    action: str,
    target_type: str | None = None,
    target_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit row of the merchant's and flush; the caller commits with the change.

    `actor` is the signed-in user (None for the system: CLI, jobs); `action` a dotted verb
    such as "notification.resent"; `target_type`/`target_id` name the record ("order", 42).
    Returns the new row.
    """
    entry = AuditLog(
        merchant_id=merchant_id,
        actor_user_id=actor.id if actor is not None else None,
        actor=actor.email if actor is not None else "system",
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def audit_entries(
    merchant_id: int, limit: int = 50, before_id: int | None = None
) -> list[AuditLog]:
    """The merchant's audit rows, newest first, `limit` at a time (keyset on the id)."""
    query = select(AuditLog).where(AuditLog.merchant_id == merchant_id)
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    return list(db.session.scalars(query.order_by(AuditLog.id.desc()).limit(limit)))
