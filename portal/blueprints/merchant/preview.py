"""The branding live preview: a sample order on the merchant's tracking page, before saving."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from flask import url_for

from portal.blueprints.tracking.presenter import build_page
from portal.database import utcnow
from portal.models import Merchant, Order, OrderItem, Shipment, TrackingEvent
from portal.services.branding import (
    BRANDING_FIELDS,
    BrandingError,
    ProcessedImage,
    contrast_notes,
    contrast_warnings,
    process_image,
)
from portal.web.branding import brand_style

SAMPLE_EVENTS = (
    (50, "pre_transit", "Shipper created a label", None),
    (30, "in_transit", "Picked up", "Denver"),
    (12, "in_transit", "Departed from facility", "Chicago"),
    (2, "in_transit", "Arrived at facility", "Buffalo"),
)


def preview_merchant(merchant: Merchant, values: dict[str, Any]) -> Merchant:
    """A transient copy of the merchant with the unsaved values: never added to the session."""
    names = ("id", "slug", "name", "timezone", "logo_version", "logo_content_type")
    fields = {name: getattr(merchant, name) for name in names + BRANDING_FIELDS}
    fields.update(values)
    return Merchant(**fields)


def sample_order(merchant: Merchant) -> Order:
    """An in-memory order in transit with a few scans, for the preview only."""
    now = utcnow()
    order = Order(
        merchant=merchant,
        merchant_id=merchant.id,
        order_number="#1042",
        placed_at=now - timedelta(days=3),
        customer_name="Maya Patel",
        ship_city="Rochester",
        ship_region="NY",
        ship_postal_code="14604",
        customer_locale="en",
    )
    order.items = [OrderItem(name="Trail Tent 2P", quantity=1), OrderItem(name="Headlamp 400")]
    order.items[1].quantity = 2
    shipment = Shipment(
        order=order,
        carrier="ups",
        tracking_number="1Z999AA10123456784",
        status="in_transit",
        service="UPS Ground",
        estimated_delivery={"date": (now + timedelta(days=2)).date().isoformat()},
    )
    shipment.events = [
        TrackingEvent(
            event_key=str(hours),
            occurred_at=now - timedelta(hours=hours),
            utc_offset_minutes=-300,
            status=status,
            description=description,
            city=city,
            region="NY" if city else None,
        )
        for hours, status, description, city in reversed(SAMPLE_EVENTS)
    ]
    return order


def logo_source(merchant: Merchant, upload: ProcessedImage | None, removed: bool) -> str | None:
    """A data: URL for a logo not saved yet, the stored logo's URL, or None."""
    if upload is not None:
        return f"data:{upload.content_type};base64,{base64.b64encode(upload.data).decode()}"
    if removed or not merchant.has_logo:
        return None
    return url_for("tracking.logo", merchant_slug=merchant.slug, v=merchant.logo_version)


def preview_context(
    merchant: Merchant, values: dict[str, Any], logo_file: bytes | None, remove_logo: bool
) -> dict[str, Any]:
    """Everything templates/merchant/_brand_preview.html needs."""
    problems = []
    upload = None
    if logo_file:
        try:
            upload = process_image(logo_file)
        except BrandingError as error:
            problems.append(str(error))
    shown = preview_merchant(merchant, values)
    primary, accent = brand_style(shown)["--brand"], brand_style(shown)["--accent"]
    order = sample_order(shown)
    return {
        "preview": shown,
        "page": build_page(order),
        "logo_src": logo_source(merchant, upload, remove_logo),
        "brand_vars": brand_style(shown),
        "warnings": problems + contrast_warnings(primary, accent),
        "notes": contrast_notes(primary),
    }
