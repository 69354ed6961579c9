"""The merchant dashboard's figures for a period: grouped counts, never a row per order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, Select, and_, cast, distinct, func, select

from portal.database import utcnow
from portal.extensions import db
from portal.models import (
    Feedback,
    Notification,
    Order,
    PageView,
    ProductClick,
    Shipment,
)
from portal.models.analytics import AGENT_SOURCE

PERIODS = (7, 30, 90)
# A shipment has left the shop once the carrier has scanned it.
SHIPPED_STATUSES = (
    "in_transit",
    "out_for_delivery",
    "available_for_pickup",
    "attempt_failed",
    "exception",
    "delivered",
    "returned",
)
NOT_MOVING = ("unknown", "pre_transit")
OPEN_DELAY_EXCLUDED = ("delivered", "cancelled", "expired", "returned")


@dataclass(frozen=True)
class Period:
    days: int
    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        return Period(self.days, self.start - timedelta(days=self.days), self.start)


def period_for(days: int, now: datetime | None = None) -> Period:
    """The last `days` days up to now (7, 30 or 90; anything else means 30)."""
    days = days if days in PERIODS else 30
    end = now or utcnow()
    return Period(days, end - timedelta(days=days), end)


def _count(query: Select) -> int:
    return db.session.scalar(query) or 0


def within_period(column, period: Period):
    return and_(column >= period.start, column < period.end)


def orders_placed(merchant_id: int, period: Period) -> int:
    return _count(
        select(func.count(Order.id)).where(
            Order.merchant_id == merchant_id, within_period(Order.placed_at, period)
        )
    )


def shipments_created(merchant_id: int, period: Period) -> int:
    return _count(
        select(func.count(Shipment.id)).where(
            Shipment.merchant_id == merchant_id, within_period(Shipment.created_at, period)
        )
    )


def orders_shipped(merchant_id: int, period: Period) -> int:
    """Orders placed in the period with at least one shipment the carrier has scanned."""
    return _count(
        select(func.count(distinct(Order.id)))
        .join(Shipment, Shipment.order_id == Order.id)
        .where(
            Order.merchant_id == merchant_id,
            within_period(Order.placed_at, period),
            Shipment.status.in_(SHIPPED_STATUSES),
        )
    )


def agent_lookups(merchant_id: int, period: Period) -> int:
    return _count(
        select(func.count(PageView.id)).where(
            PageView.merchant_id == merchant_id,
            PageView.source == AGENT_SOURCE,
            within_period(PageView.viewed_at, period),
        )
    )


def rate(numerator: float, denominator: float, scale: float = 100.0) -> float | None:
    return None if not denominator else round(numerator * scale / denominator, 1)


def on_time(merchant_id: int, period: Period) -> tuple[int, int]:
    """(delivered, delivered late) for shipments delivered in the period."""
    delivered, late = db.session.execute(
        select(
            func.count(Shipment.id),
            func.coalesce(func.sum(cast(Shipment.delivered_late, Integer)), 0),
        ).where(
            Shipment.merchant_id == merchant_id,
            Shipment.status == "delivered",
            within_period(Shipment.delivered_at, period),
        )
    ).one()
    return delivered, int(late)


def average_rating(merchant_id: int, period: Period) -> tuple[float | None, int]:
    average, count = db.session.execute(
        select(func.avg(Feedback.rating), func.count(Feedback.id)).where(
            Feedback.merchant_id == merchant_id, within_period(Feedback.created_at, period)
        )
    ).one()
    return (round(float(average), 2) if average is not None else None), count


def headline(merchant_id: int, period: Period) -> dict[str, float | int | None]:
    """The four numbers the dashboard opens with, for one period."""
    shipped = orders_shipped(merchant_id, period)
    delivered, late = on_time(merchant_id, period)
    average, ratings = average_rating(merchant_id, period)
    lookups = agent_lookups(merchant_id, period)
    return {
        "orders_shipped": shipped,
        "on_time_rate": rate(delivered - late, delivered),
        "wismo_rate": rate(lookups, shipped),
        "average_rating": average,
        "ratings": ratings,
        "delivered": delivered,
        "lookups": lookups,
    }


def shipments_by_status(merchant_id: int, period: Period) -> dict[str, int]:
    rows = db.session.execute(
        select(Shipment.status, func.count(Shipment.id))
        .where(Shipment.merchant_id == merchant_id, within_period(Shipment.created_at, period))
        .group_by(Shipment.status)
        .order_by(func.count(Shipment.id).desc())
    )
    return {status: count for status, count in rows}


def delayed_now(merchant_id: int, limit: int = 50) -> list[tuple[Shipment, str]]:
    """Open shipments that are late right now, with their order numbers, oldest promise first."""
    rows = db.session.execute(
        select(Shipment, Order.order_number)
        .join(Order, Order.id == Shipment.order_id)
        .where(
            Shipment.merchant_id == merchant_id,
            Shipment.delayed.is_(True),
            Shipment.status.not_in(OPEN_DELAY_EXCLUDED),
        )
        .order_by(Shipment.promised_date.asc(), Shipment.id)
        .limit(limit)
    )
    return [(shipment, number) for shipment, number in rows]


def notification_counts(merchant_id: int, period: Period) -> list[tuple[str, str, str, int]]:
    """(channel, trigger, status, count) for notifications created in the period."""
    rows = db.session.execute(
        select(Notification.channel, Notification.trigger, Notification.status, func.count())
        .where(
            Notification.merchant_id == merchant_id,
            within_period(Notification.created_at, period),
        )
        .group_by(Notification.channel, Notification.trigger, Notification.status)
    )
    return [tuple(row) for row in rows]


def page_views(merchant_id: int, period: Period) -> dict[str, object]:
    """Shopper views (agents' lookups apart): total, orders viewed, per order, by source."""
    by_source = dict(
        db.session.execute(
            select(PageView.source, func.count(PageView.id))
            .where(
                PageView.merchant_id == merchant_id,
                PageView.source != AGENT_SOURCE,
                within_period(PageView.viewed_at, period),
            )
            .group_by(PageView.source)
        ).all()
    )
    orders_viewed = _count(
        select(func.count(distinct(PageView.order_id))).where(
            PageView.merchant_id == merchant_id,
            PageView.source != AGENT_SOURCE,
            within_period(PageView.viewed_at, period),
        )
    )
    total = sum(by_source.values())
    return {
        "total": total,
        "orders": orders_viewed,
        "per_order": rate(total, orders_viewed, 1.0),
        "by_source": dict(sorted(by_source.items(), key=lambda item: -item[1])),
    }


def feedback_summary(merchant_id: int, period: Period, latest: int = 5) -> dict[str, object]:
    scope = (Feedback.merchant_id == merchant_id, within_period(Feedback.created_at, period))
    distribution = dict(
        db.session.execute(
            select(Feedback.rating, func.count(Feedback.id)).where(*scope).group_by(Feedback.rating)
        ).all()
    )
    comments = db.session.execute(
        select(Feedback, Order.order_number)
        .join(Order, Order.id == Feedback.order_id)
        .where(*scope, Feedback.comment.is_not(None), Feedback.comment != "")
        .order_by(Feedback.created_at.desc())
        .limit(latest)
    ).all()
    average, count = average_rating(merchant_id, period)
    return {
        "average": average,
        "count": count,
        "distribution": {stars: distribution.get(stars, 0) for stars in range(5, 0, -1)},
        "comments": comments,
    }


def recommendation_clicks(merchant_id: int, period: Period, views: int) -> dict[str, object]:
    clicks = _count(
        select(func.count(ProductClick.id)).where(
            ProductClick.merchant_id == merchant_id, within_period(ProductClick.clicked_at, period)
        )
    )
    return {"clicks": clicks, "ctr": rate(clicks, views)}
