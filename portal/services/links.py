"""Shopper tracking links: stored random tokens that an agent or admin can revoke."""

from __future__ import annotations

import secrets

from flask import current_app

from portal.extensions import db
from portal.models import Merchant, Order, TrackingLink


def issue_tracking_link(order: Order) -> TrackingLink:
    """Create a new link for the order (128 random bits, 22 URL-safe characters)."""
    link = TrackingLink(merchant_id=order.merchant_id, order=order, token=secrets.token_urlsafe(16))
    db.session.add(link)
    db.session.flush()
    return link


def base_url_for(merchant: Merchant) -> str:
    """The merchant's verified host, else PUBLIC_BASE_URL: links never use an unproven host."""
    if merchant.custom_host and merchant.custom_host_verified_at is not None:
        return f"https://{merchant.custom_host}"
    return current_app.config["PUBLIC_BASE_URL"]


def tracking_url(order: Order) -> str | None:
    """The absolute tracking URL of the order's live link, or None when every link is revoked."""
    link = order.active_link
    if link is None:
        return None
    return f"{base_url_for(order.merchant)}/{order.merchant.slug}/orders/{link.token}"
