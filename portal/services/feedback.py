"""Shopper feedback on an order: one rating per stage, editable for a week."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.database import utcnow
from portal.extensions import db
from portal.models import Feedback, Order
from portal.services.outbox import queue_feedback_created

EDIT_WINDOW = timedelta(days=7)
MAX_COMMENT = 1000


class FeedbackClosed(Exception):
    """The feedback for this stage is older than the edit window."""


def feedback_stage(delivered: bool) -> str:
    """'after_delivery' once the order is delivered, else 'before_delivery'."""
    return "after_delivery" if delivered else "before_delivery"


def get_feedback(order: Order, stage: str) -> Feedback | None:
    return db.session.scalar(
        select(Feedback).where(Feedback.order_id == order.id, Feedback.stage == stage)
    )


def is_editable(feedback: Feedback | None, now: datetime | None = None) -> bool:
    """New feedback can always be given; given feedback can be changed for EDIT_WINDOW."""
    if feedback is None:
        return True
    return (now or utcnow()) - feedback.created_at <= EDIT_WINDOW


def save_feedback(
    order: Order, stage: str, rating: int, comment: str | None, now: datetime | None = None
) -> tuple[Feedback, bool]:
    """Create or update the order's feedback for `stage`; returns it and whether it is new.

    Raises FeedbackClosed when the existing feedback is past the edit window and ValueError
    for a rating outside 1–5. Flushes; the caller commits.
    """
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1–5")
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    feedback = get_feedback(order, stage)
    if feedback is not None and not is_editable(feedback, now):
        raise FeedbackClosed(stage)
    created = feedback is None
    if created:
        feedback = Feedback(merchant_id=order.merchant_id, order_id=order.id, stage=stage)
        db.session.add(feedback)
    feedback.rating = rating
    feedback.comment = comment
    feedback.updated_at = now or utcnow()
    db.session.flush()
    if created:  # the merchant's feedback.created webhook, in the same transaction
        queue_feedback_created(
            order, {"stage": stage, "rating": rating, "comment": comment}, feedback.updated_at
        )
    return feedback, created
