"""The dashboard's per-carrier performance and its WISMO-over-time series."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, select

from portal.database import utcnow
from portal.extensions import db
from portal.models import Order, PageView, Shipment, TrackingEvent
from portal.models.analytics import AGENT_SOURCE
from portal.services.dashboard import (
    NOT_MOVING,
    SHIPPED_STATUSES,
    Period,
    rate,
    within_period,
)


@dataclass(frozen=True)
class CarrierPerformance:
    carrier: str
    service: str | None
    delivered: int
    late: int
    median_transit_days: float | None

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.delivered - self.late, self.delivered)


def carrier_performance(merchant_id: int, period: Period) -> list[CarrierPerformance]:
    """On-time rate and median days from first carrier scan to delivery, per carrier+service."""
    first_scan = (
        select(TrackingEvent.shipment_id, func.min(TrackingEvent.occurred_at).label("at"))
        .where(TrackingEvent.merchant_id == merchant_id, TrackingEvent.status.not_in(NOT_MOVING))
        .group_by(TrackingEvent.shipment_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Shipment.carrier,
            Shipment.service,
            Shipment.delivered_late,
            Shipment.delivered_at,
            func.coalesce(first_scan.c.at, Shipment.created_at),
        )
        .outerjoin(first_scan, first_scan.c.shipment_id == Shipment.id)
        .where(
            Shipment.merchant_id == merchant_id,
            Shipment.status == "delivered",
            within_period(Shipment.delivered_at, period),
        )
    )
    groups: dict[tuple[str, str | None], list[tuple[bool, float]]] = {}
    for carrier, service, late, delivered_at, started_at in rows:
        started_at = _aware(started_at)
        days = max((delivered_at - started_at).total_seconds() / 86400, 0.0)
        groups.setdefault((carrier, service), []).append((bool(late), days))
    return [
        CarrierPerformance(
            carrier,
            service,
            len(values),
            sum(1 for late, _ in values if late),
            round(statistics.median(days for _, days in values), 1),
        )
        for (carrier, service), values in sorted(
            groups.items(), key=lambda i: (i[0][0], i[0][1] or "")
        )
    ]


def _aware(moment: datetime) -> datetime:
    # coalesce() loses the column type on SQLite: the driver hands back a naive UTC string.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def wismo_series(merchant_id: int, period: Period) -> list[dict[str, object]]:
    """Per day (per week for 90 days): orders shipped, agent lookups and the WISMO rate."""
    bucket_days = 7 if period.days > 30 else 1
    first = period.start.date()
    count = -(-period.days // bucket_days)
    buckets = [
        {"start": first + timedelta(days=i * bucket_days), "shipped": 0, "lookups": 0}
        for i in range(count + (1 if bucket_days == 1 else 0))
    ]

    def add(day_value: object, key: str, amount: int) -> None:
        index = (_day(day_value) - first).days // bucket_days
        if 0 <= index < len(buckets):
            buckets[index][key] += amount

    shipped_day = func.date(Order.placed_at)
    for day_value, amount in db.session.execute(
        select(shipped_day, func.count(distinct(Order.id)))
        .join(Shipment, Shipment.order_id == Order.id)
        .where(
            Order.merchant_id == merchant_id,
            within_period(Order.placed_at, period),
            Shipment.status.in_(SHIPPED_STATUSES),
        )
        .group_by(shipped_day)
    ):
        add(day_value, "shipped", amount)
    lookup_day = func.date(PageView.viewed_at)
    for day_value, amount in db.session.execute(
        select(lookup_day, func.count(PageView.id))
        .where(
            PageView.merchant_id == merchant_id,
            PageView.source == AGENT_SOURCE,
            within_period(PageView.viewed_at, period),
        )
        .group_by(lookup_day)
    ):
        add(day_value, "lookups", amount)
    for bucket in buckets:
        bucket["wismo"] = rate(bucket["lookups"], bucket["shipped"])
    return buckets
