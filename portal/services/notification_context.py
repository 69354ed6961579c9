"""The plain data a notification's templates see: customer, order, shipments, links."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from carriers import carrier_name
from portal.models import Merchant, Notification, Order, Shipment
from portal.services.links import base_url_for, tracking_url


def merchant_context(merchant: Merchant) -> dict[str, Any]:
    """The merchant's name, support contacts and absolute logo URL (None without a logo)."""
    logo = None
    if merchant.has_logo:
        logo = f"{base_url_for(merchant)}/{merchant.slug}/logo?v={merchant.logo_version}"
    return {
        "name": merchant.name,
        "slug": merchant.slug,
        "support_email": merchant.support_email,
        "support_phone": merchant.support_phone,
        "support_url": merchant.support_url,
        "logo_url": logo,
    }


def _items(items) -> list[dict[str, Any]]:
    return [{"name": item.name, "quantity": item.quantity} for item in items]


def shipment_context(shipment: Shipment, index: int, count: int) -> dict[str, Any]:
    """One shipment as templates see it (estimated_date ISO, the rest plain text)."""
    estimate = shipment.estimated_delivery or {}
    return {
        "index": index,
        "count": count,
        "carrier": shipment.carrier,
        "carrier_name": carrier_name(shipment.carrier),
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "estimated_date": estimate.get("date")
        or (shipment.promised_date.isoformat() if shipment.promised_date else None),
        "estimated_delivery": estimate.get("date") or "",
        "delay_reason": shipment.delay_reason,
        "delay_explanation": shipment.delay_explanation,
        "carrier_note": shipment.carrier_status_text,
        "items": _items(shipment.items),
    }


def build_context(
    order: Order,
    shipments: list[Shipment],
    trigger: str,
    extra: dict[str, Any] | None = None,
    promised_date: date | None = None,
) -> dict[str, Any]:
    """Everything render_message needs for one message about these shipments of the order."""
    extra = extra or {}
    count = len(order.shipments)
    position = {shipment.id: index for index, shipment in enumerate(order.shipments, start=1)}
    listed = [shipment_context(s, position.get(s.id, 1), count) for s in shipments]
    lead = dict(listed[0]) if listed else {}
    if trigger == "delayed":
        lead["delay_reason"] = extra.get("reason") or lead.get("delay_reason")
        lead["delay_explanation"] = extra.get("explanation") or lead.get("delay_explanation")
        if promised_date:
            lead["estimated_date"] = promised_date.isoformat()
            lead["estimated_delivery"] = promised_date.isoformat()
    items = _items(order.items)
    if shipments and count > 1 and len(shipments) == 1 and shipments[0].items:
        items = _items(shipments[0].items)
    return {
        "locale": order.customer_locale or "en",
        "trigger": trigger,
        "merchant": merchant_context(order.merchant),
        "customer": {"first_name": order.customer_first_name, "name": order.customer_name},
        "order": {
            "number": order.order_number.lstrip("#"),
            "placed_at": order.placed_at.date().isoformat() if order.placed_at else None,
            "items": items,
        },
        "shipment": lead,
        "shipments": listed if len(listed) > 1 else [],
        "tracking_link": tracking_url(order),
    }


def context_for_notification(row: Notification, shipments: list[Shipment]) -> dict[str, Any]:
    """build_context for an outbox row (the delay's promised date comes from its dedupe key)."""
    promised = None
    if row.trigger == "delayed":
        tail = row.dedupe_key.rsplit(":", 1)[-1]
        try:
            promised = date.fromisoformat(tail)
        except ValueError:
            promised = None
    return build_context(row.order, shipments, row.trigger, row.context or {}, promised)


def sample_context(merchant: Merchant, locale: str = "en", today: date | None = None):
    """A made-up order for template previews in the merchant console."""
    today = today or date.today()
    arrival = (today + timedelta(days=2)).isoformat()
    shipment = {
        "index": 1,
        "count": 1,
        "carrier": "ups",
        "carrier_name": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "status": "in_transit",
        "estimated_date": arrival,
        "estimated_delivery": arrival,
        "delay_reason": "carrier_delay",
        "delay_explanation": "The carrier reports a weather delay in Louisville, KY.",
        "carrier_note": "Weather delay",
        "items": [{"name": "Trail Tent 2P", "quantity": 1}],
    }
    return {
        "locale": locale,
        "trigger": None,
        "merchant": merchant_context(merchant),
        "customer": {"first_name": "Maya", "name": "Maya Patel"},
        "order": {
            "number": "1042",
            "placed_at": today.isoformat(),
            "items": [
                {"name": "Trail Tent 2P", "quantity": 1},
                {"name": "Headlamp", "quantity": 2},
            ],
        },
        "shipment": shipment,
        "shipments": [],
        "tracking_link": f"{base_url_for(merchant)}/{merchant.slug}/orders/preview",
        "unsubscribe_url": f"{base_url_for(merchant)}/u/preview",
    }
