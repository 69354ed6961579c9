"""JSON shapes of orders and shipments as the API returns them."""

from __future__ import annotations

from typing import Any

from portal.models import Order, Shipment, TrackingEvent
from portal.services.links import tracking_url


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def event_json(event: TrackingEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.local_time.isoformat(),
        "status": event.status,
        "code": event.code,
        "description": event.description,
        "location": {
            "city": event.city,
            "region": event.region,
            "postal_code": event.postal_code,
            "country": event.country,
        },
    }


def shipment_summary_json(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
    }


def shipment_json(shipment: Shipment) -> dict[str, Any]:
    return {
        **shipment_summary_json(shipment),
        "delayed": shipment.delayed,
        "delay_reason": shipment.delay_reason,
        "estimated_delivery": shipment.estimated_delivery,
        "delivered_at": _iso(shipment.delivered_at),
        "signed_by": shipment.signed_by,
        "items": [item.sku for item in shipment.items if item.sku],
        "events": [event_json(event) for event in shipment.events],
    }


def order_json(order: Order) -> dict[str, Any]:
    return {
        "order_number": order.order_number,
        "placed_at": _iso(order.placed_at),
        "currency": order.currency,
        "total": str(order.total) if order.total is not None else None,
        "tracking_url": tracking_url(order),
        "customer": {
            "name": order.customer_name,
            "email": order.customer_email,
            "phone": order.customer_phone,
            "locale": order.customer_locale,
            "sms_opt_in": order.sms_opt_in,
        },
        "shipping_address": {
            "line1": order.ship_line1,
            "city": order.ship_city,
            "region": order.ship_region,
            "postal_code": order.ship_postal_code,
            "country": order.ship_country,
        },
        "items": [
            {
                "sku": item.sku,
                "name": item.name,
                "quantity": item.quantity,
                "price": str(item.price) if item.price is not None else None,
                "image_url": item.image_url,
                "product_url": item.product_url,
            }
            for item in order.items
        ],
        "shipments": [shipment_json(shipment) for shipment in order.shipments],
    }
