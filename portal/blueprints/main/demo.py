"""The landing page's "try the demo" list: a few of the demo shop's orders, one per status."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from carriers.status import TrackingStatus as S
from portal.blueprints.tracking.presenter import STATUS_LABELS, STATUS_TONES
from portal.extensions import db
from portal.models import Merchant, Order, Shipment, TrackingLink

SHOWCASE_ORDER = (
    S.IN_TRANSIT,
    S.OUT_FOR_DELIVERY,
    S.DELIVERED,
    S.PRE_TRANSIT,
    S.AVAILABLE_FOR_PICKUP,
    S.ATTEMPT_FAILED,
    S.EXCEPTION,
    S.RETURNED,
    S.UNKNOWN,
    S.CANCELLED,
    S.EXPIRED,
)


@dataclass(frozen=True)
class DemoOrder:
    order_number: str
    label: str
    tone: str
    url: str


@dataclass(frozen=True)
class DemoMerchant:
    merchant: Merchant
    orders: list[DemoOrder]


def _live_link_orders(merchant: Merchant):
    return (
        select(Order.id)
        .join(TrackingLink, TrackingLink.order_id == Order.id)
        .join(Shipment, Shipment.order_id == Order.id)
        .where(Order.merchant_id == merchant.id, TrackingLink.revoked_at.is_(None))
    )


def showcase_orders(merchant: Merchant, limit: int = 8) -> list[DemoOrder]:
    """Orders with a live link, one per shipment status (plus one running late)."""
    by_status = dict(
        db.session.execute(
            _live_link_orders(merchant)
            .with_only_columns(Shipment.status, func.min(Order.id))
            .group_by(Shipment.status)
        ).all()
    )
    picks: list[tuple[int, str, str]] = []
    delayed_id = db.session.scalar(
        _live_link_orders(merchant).where(Shipment.delayed.is_(True)).order_by(Order.id).limit(1)
    )
    if delayed_id:
        picks.append((delayed_id, _("Running late"), "warning"))
    for status in SHOWCASE_ORDER:
        order_id = by_status.get(status.value)
        if order_id and order_id != delayed_id:
            picks.append(
                (order_id, str(STATUS_LABELS[status]), STATUS_TONES.get(status, "progress"))
            )
    demo_orders = []
    for order_id, label, tone in picks[:limit]:
        order = db.session.get(Order, order_id)
        link = order.active_link if order else None
        if link is None:
            continue
        url = url_for("tracking.order_page", merchant_slug=merchant.slug, token=link.token)
        demo_orders.append(DemoOrder(order.order_number, label, tone, url))
    return demo_orders


def demo_merchants(limit: int = 3) -> list[DemoMerchant]:
    """The demo shop (marked by `flask seed-demo`) with its showcase orders; never a real
    tenant's, whose tracking links are the shoppers' own."""
    merchants = db.session.scalars(
        select(Merchant).where(Merchant.is_demo.is_(True)).order_by(Merchant.id).limit(limit)
    )
    return [DemoMerchant(merchant, showcase_orders(merchant)) for merchant in merchants]
