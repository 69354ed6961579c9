"""A shop with tracking pages in every designed state, for the browser tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.database import utcnow
from portal.extensions import db
from portal.models import Product
from tests.web.helpers import EASTERN, set_tracking


def add_catalogue(merchant, base_url: str) -> None:
    """Six products; clicks lead to the live server's /healthz so no outside host is needed."""
    rows = [
        ("FOOTPRINT", "Tent Footprint 2P", "tents", "39.00", 5),
        ("MAT", "Self-inflating Sleeping Mat", "sleeping", "89.00", 3),
        ("STOVE", "Pocket Stove", "kitchen", "54.50", 2),
        ("LANTERN", "Camp Lantern", "lighting", "29.95", 1),
        ("MUG", "Enamel Mug", "kitchen", "12.00", 0),
    ]
    for sku, name, category, price, priority in rows:
        db.session.add(
            Product(
                merchant_id=merchant.id,
                sku=sku,
                name=name,
                url=f"{base_url}/healthz?product={sku}",
                image_url=f"{base_url}/static/img/product-placeholder.svg",
                price=Decimal(price),
                currency="USD",
                category=category,
                tags=["camping"],
                priority=priority,
            )
        )
    db.session.add(
        Product(merchant_id=merchant.id, sku="TENT-2P", name="Trail Tent 2P", url=base_url,
                category="tents", tags=["camping"])
    )  # fmt: skip
    db.session.commit()


def build_states(shop: dict, make_order) -> dict:
    """Add split, exception, pre-transit and unknown orders to the demo shop."""
    acme = shop["merchant"]
    now = utcnow().astimezone(EASTERN)
    split = make_order(
        acme,
        order_number="#1050",
        items=[
            {"name": "Trail Tent 2P", "sku": "TENT-2P"},
            {"name": "Headlamp 400", "sku": "LAMP-H", "quantity": 2},
            {"name": "Trekking Poles", "sku": "POLES"},
        ],
        shipments=[("ups", "1Z999AA10123456790"), ("fedex", "123456789012")],
    )
    first, second = split.shipments
    first.items = [split.items[0]]
    second.items = split.items[1:]
    set_tracking(
        first,
        "delivered",
        delivered_at=now - timedelta(hours=5),
        delivery_location="Front door",
        events=[
            (now - timedelta(days=1), "in_transit", "Arrived at facility", "Rochester"),
            (now - timedelta(hours=5), "delivered", "Delivered", "Rochester"),
        ],
    )
    set_tracking(
        second,
        "in_transit",
        service="FedEx Home Delivery",
        estimated_delivery={"date": (now + timedelta(days=1)).date().isoformat()},
        events=[(now - timedelta(hours=6), "in_transit", "Departed FedEx hub", "Memphis")],
    )
    problem = make_order(acme, order_number="#1051", shipments=[("ups", "1Z999AA10123456791")])
    set_tracking(
        problem.shipments[0],
        "exception",
        carrier_status_text="Address incomplete — customer contacted",
        events=[
            (now - timedelta(days=1), "in_transit", "Arrived at facility", "Syracuse"),
            (now - timedelta(hours=3), "exception", "Address incomplete", "Syracuse"),
        ],
    )
    label = make_order(acme, order_number="#1052", shipments=[("ups", "1Z999AA10123456792")])
    set_tracking(label.shipments[0], "pre_transit")
    unknown = make_order(acme, order_number="#1053", shipments=[("usps", "9400111899223100000000")])
    return {**shop, "split": split, "exception": problem, "label": label, "unknown": unknown}
