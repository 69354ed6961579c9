"""Turning a claimed outbox row into what a transport sends: email, text or webhook body."""

from __future__ import annotations

import hashlib
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from portal.models import Notification, Shipment
from portal.notify import OutgoingMessage
from portal.notify.webhook import encode_body
from portal.services.dispatch_rules import WEBHOOK_EVENTS, sms_sender, whatsapp_template
from portal.services.links import tracking_url
from portal.services.notification_context import context_for_notification
from portal.services.notification_templates import RenderedMessage, render_message, with_source
from portal.services.unsubscribes import unsubscribe_url


def message_key(row: Notification) -> str:
    """A stable id for the row's message, the same on every retry (receivers dedupe by it)."""
    return hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:24]


def mail_domain(config) -> str:
    sender = config.get("MAIL_FROM") or ""
    if "@" in sender:
        return sender.rsplit("@", 1)[1].strip(" >")
    return urlsplit(config["PUBLIC_BASE_URL"]).hostname or "localhost"


def render_row(row: Notification, shipments: list[Shipment]) -> RenderedMessage:
    """The rendered content of a shopper message about these shipments."""
    context = context_for_notification(row, shipments)
    if row.channel == "email" and row.recipient:
        context["unsubscribe_url"] = unsubscribe_url(row.order.merchant, "email", row.recipient)
    return render_message(row.order.merchant, row.trigger, row.channel, context)


def build_shopper_message(row: Notification, rendered: RenderedMessage, config) -> OutgoingMessage:
    """The email, SMS or WhatsApp message for a row, addressed and with its headers."""
    merchant = row.order.merchant
    if row.channel == "email":
        address = config.get("MAIL_FROM") or f"notifications@{mail_domain(config)}"
        headers = {}
        link = unsubscribe_url(merchant, "email", row.recipient)
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["X-Porchlight-Notification"] = message_key(row)
        return OutgoingMessage(
            channel="email",
            to=row.recipient,
            sender=formataddr(
                ((merchant.settings or {}).get("sender_name") or merchant.name, address)
            ),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            reply_to=(merchant.settings or {}).get("reply_to") or merchant.support_email,
            headers=headers,
            message_id=f"<{message_key(row)}@{mail_domain(config)}>",
        )
    message = OutgoingMessage(
        channel=row.channel,
        to=row.recipient,
        sender=sms_sender(row.channel, config),
        text=rendered.text,
    )
    if row.channel == "whatsapp":
        message.content_sid = whatsapp_template(merchant, row.trigger)
        order = row.order
        message.content_variables = {
            "1": order.customer_first_name or "",
            "2": order.order_number.lstrip("#"),
            "3": with_source(tracking_url(order), "whatsapp"),
        }
    return message


def _shipment_data(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "status": shipment.status,
        "delayed": shipment.delayed,
        "delay_reason": shipment.delay_reason,
        "estimated_delivery": shipment.estimated_delivery,
        "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
        "signed_by": shipment.signed_by,
    }


def build_webhook_body(row: Notification) -> tuple[str, bytes]:
    """The webhook-id and the JSON body `{"type", "timestamp", "data"}` for a row."""
    order = row.order
    data: dict[str, Any] = {
        "merchant": order.merchant.slug,
        "order_number": order.order_number,
        "tracking_url": tracking_url(order),
        "trigger": row.trigger,
    }
    if row.shipment is not None:
        data["shipment"] = _shipment_data(row.shipment)
    elif row.trigger == "order_confirmed":
        data["shipments"] = [_shipment_data(shipment) for shipment in order.shipments]
    if row.trigger == "delayed":
        data["delay"] = {
            "reason": (row.context or {}).get("reason"),
            "explanation": (row.context or {}).get("explanation"),
            "new_date": row.dedupe_key.rsplit(":", 1)[-1] if ":" in row.dedupe_key else None,
        }
    if row.trigger == "feedback_created":
        data["feedback"] = dict(row.context or {})
    timestamp = row.created_at.isoformat().replace("+00:00", "Z")
    return f"msg_{message_key(row)}", encode_body(WEBHOOK_EVENTS[row.trigger], timestamp, data)
