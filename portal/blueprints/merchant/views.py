"""GET /merchant/: the dashboard for the last 7, 30 or 90 days."""

from __future__ import annotations

import math

from flask import render_template, request

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import current_merchant
from portal.blueprints.tracking.presenter import STATUS_LABELS
from portal.database import utcnow
from portal.services import dashboard, dashboard_series, quota
from portal.services.outbox import CHANNELS, TRIGGERS
from portal.services.polling import quota_usage


def trend(current: float | None, previous: float | None, lower_is_better: bool = False):
    """{"text", "tone"} comparing two figures, or None when either is missing."""
    if current is None or previous is None:
        return None
    change = current - previous
    if abs(change) < 0.05:
        return {"text": "no change", "tone": "neutral", "arrow": "→"}
    better = (change < 0) if lower_is_better else (change > 0)
    size = f"{abs(change):.1f}".removesuffix(".0")
    return {
        "text": f"{'up' if change > 0 else 'down'} {size}",
        "tone": "good" if better else "bad",
        "arrow": "↑" if change > 0 else "↓",
    }


def notification_tables(rows):
    """{"channels": {channel: {status: n}}, "triggers": {trigger: {status: n}}}."""
    channels = {channel: {} for channel in CHANNELS}
    triggers = {trigger: {} for trigger in TRIGGERS}
    for channel, trigger, status, count in rows:
        for table, key in ((channels, channel), (triggers, trigger)):
            table.setdefault(key, {})
            table[key][status] = table[key].get(status, 0) + count
    return {
        "channels": {k: v for k, v in channels.items() if v},
        "triggers": {k: v for k, v in triggers.items() if v},
    }


@bp.get("/")
def index():
    merchant_id = current_merchant().id
    clock = utcnow()
    period = dashboard.period_for(request.args.get("days", 30, type=int))
    now, before = (
        dashboard.headline(merchant_id, period),
        dashboard.headline(merchant_id, period.previous),
    )
    views = dashboard.page_views(merchant_id, period)
    feedback = dashboard.feedback_summary(merchant_id, period)
    context = {
        "period": period,
        "periods": dashboard.PERIODS,
        "now": now,
        "trends": {
            "orders_shipped": trend(now["orders_shipped"], before["orders_shipped"]),
            "on_time_rate": trend(now["on_time_rate"], before["on_time_rate"]),
            "wismo_rate": trend(now["wismo_rate"], before["wismo_rate"], lower_is_better=True),
            "average_rating": trend(now["average_rating"], before["average_rating"]),
        },
        "orders": dashboard.orders_placed(merchant_id, period),
        "shipments": dashboard.shipments_created(merchant_id, period),
        "by_status": [
            (str(STATUS_LABELS.get(status, status)), count)
            for status, count in dashboard.shipments_by_status(merchant_id, period).items()
        ],
        "delayed": dashboard.delayed_now(merchant_id),
        "carriers": dashboard_series.carrier_performance(merchant_id, period),
        "notifications": notification_tables(dashboard.notification_counts(merchant_id, period)),
        "views": views,
        "feedback": feedback,
        "rating_rows": [
            (f"{stars} star{'s' if stars > 1 else ''}", count)
            for stars, count in feedback["distribution"].items()
        ]
        if feedback["count"]
        else [],
        "recommendations": dashboard.recommendation_clicks(merchant_id, period, views["total"]),
        "quota": quota_usage(clock.date()),
        "hourly_quota": quota.hourly_usage(clock),
        "hour_resets_in": math.ceil(quota.seconds_until_next_hour(clock) / 60),
        "series": dashboard_series.wismo_series(merchant_id, period),
    }
    return render_template("merchant/dashboard.html", **context)
