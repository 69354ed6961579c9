"""`flask seed-demo`: the demo merchant, its users, products and orders in every state."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import click
from flask.cli import with_appcontext

from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Product
from portal.services import merchants, orders

DEMO_SLUG = "acme"
DEMO_LOGINS = (
    ("owner", "owner@acme.test", "acme-owner-demo"),
    ("agent", "agent@acme.test", "acme-agent-demo"),
)
# Carrier, scenario and how many minutes ago (real time) its timeline started: at 60x
# speed this spreads the demo over every stage, and the younger ones move while you watch.
# The stale one started days ago so that its silence is long enough to be noticed.
DEMO_TIMELINES = (
    ("ups", "normal", 2), ("fedex", "normal", 15), ("usps", "normal", 40),
    ("dhl", "normal", 65), ("easypost", "normal", 240), ("ups", "late", 30),
    ("fedex", "late", 200), ("usps", "exception_recovery", 25),
    ("dhl", "exception_recovery", 180), ("easypost", "failed_attempt_pickup", 70),
    ("ups", "failed_attempt_pickup", 150), ("fedex", "stale", 4 * 24 * 60),
    ("usps", "returned", 300), ("dhl", "never_found", 10), ("ups", "rescheduled", 50),
    ("fedex", "voided", 8),
)  # fmt: skip
SPLIT_EVERY = 6  # every sixth order ships in two packages
CUSTOMERS = (
    ("Maya Patel", "Rochester", "NY", "14604"),
    ("Daniel Okafor", "Denver", "CO", "80202"),
    ("Sofia García", "Austin", "TX", "78701"),
    ("Lukas Becker", "Seattle", "WA", "98101"),
    ("Emma Thompson", "Portland", "OR", "97205"),
    ("Noah Kim", "Chicago", "IL", "60601"),
    ("Olivia Brown", "Atlanta", "GA", "30303"),
    ("Liam Nguyen", "San Francisco", "CA", "94103"),
)
CATALOGUE = (
    ("TENT-2P", "Trail Tent 2P", "tents", "249.00", ["camping", "shelter"]),
    ("TENT-4P", "Basecamp Tent 4P", "tents", "389.00", ["camping", "shelter", "family"]),
    ("BAG-20F", "Down Sleeping Bag 20°F", "sleeping", "219.00", ["camping", "warm"]),
    ("PAD-UL", "Ultralight Sleeping Pad", "sleeping", "129.00", ["camping", "ultralight"]),
    ("PACK-45", "Summit Pack 45L", "packs", "179.00", ["hiking", "backpacking"]),
    ("PACK-DAY", "Daybreak Pack 22L", "packs", "89.00", ["hiking"]),
    ("STOVE-1", "Pocket Stove", "cooking", "49.00", ["camping", "ultralight"]),
    ("POT-SET", "Titanium Cook Set", "cooking", "69.00", ["camping", "cooking"]),
    ("LAMP-H", "Headlamp 400", "lighting", "39.00", ["hiking", "camping"]),
    ("LANT-1", "Camp Lantern", "lighting", "45.00", ["camping", "family"]),
    ("JKT-RAIN", "Storm Rain Jacket", "apparel", "159.00", ["hiking", "rain"]),
    ("SOCK-3", "Merino Hiking Socks (3 pack)", "apparel", "36.00", ["hiking"]),
)


@click.command("seed-demo")
@click.option("--orders", "order_count", default=50, type=click.IntRange(1, 100_000))
@with_appcontext
def seed_demo_command(order_count: int) -> None:
    """Create the demo merchant (Acme Outdoor), its users, catalogue and orders, once."""
    begin_write()
    merchant = merchants.get_merchant_by_slug(DEMO_SLUG)
    if merchant is not None:
        click.echo("demo: already seeded")
    else:
        merchant = seed_demo(order_count)
        db.session.commit()
        click.echo(f"demo: seeded {order_count} orders for {merchant.name}")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"demo login ({role}): {email} / {password}")


def seed_demo(order_count: int):
    """Create the demo data; flushes, the command commits."""
    from carriers.emulator.scenarios import make_tracking_number

    rng = random.Random(1042)
    merchant = merchants.create_merchant(DEMO_SLUG, "Acme Outdoor")
    merchant.is_demo = True
    merchant.primary_color = "#2f6b3b"
    merchant.accent_color = "#e8a33d"
    merchant.header_text = "Gear for every trail"
    merchant.support_email = "help@acme.test"
    merchant.support_phone = "+1 415 555 0142"
    merchant.support_url = "https://acme.test/help"
    merchant.faq = [
        {
            "question": "When will my order ship?",
            "answer": "Most orders ship within 1 business day.",
        },
        {"question": "Can I change my address?", "answer": "Contact us before the parcel ships."},
    ]
    for role, email, password in DEMO_LOGINS:
        merchants.create_user(merchant, email, role, password, name=email.split("@")[0].title())
    for sku, name, category, price, tags in CATALOGUE:
        db.session.add(
            Product(
                merchant_id=merchant.id,
                sku=sku,
                name=name,
                url=f"https://acme.test/products/{sku.lower()}",
                price=Decimal(price),
                currency="USD",
                category=category,
                tags=tags,
                priority=rng.randint(0, 5),
                popularity=rng.randint(0, 500),
            )
        )
    now = utcnow()
    for index in range(order_count):
        carrier, scenario, minutes_ago = DEMO_TIMELINES[index % len(DEMO_TIMELINES)]
        started_at = now - timedelta(minutes=minutes_ago + rng.randint(0, 5))
        name, city, region, postal = CUSTOMERS[index % len(CUSTOMERS)]
        split = index % SPLIT_EVERY == SPLIT_EVERY - 1
        picked = rng.sample(CATALOGUE, k=rng.randint(2, 3) if split else rng.randint(1, 3))
        items = [
            orders.ItemData(name=p[1], sku=p[0], quantity=rng.randint(1, 2), price=Decimal(p[3]))
            for p in picked
        ]
        skus = [item.sku for item in items]
        shipments = [
            orders.ShipmentData(
                make_tracking_number(carrier, scenario, started_at, index % 100),
                carrier,
                skus[:1] if split else skus,
            )
        ]
        if split:  # the rest follows a little later with UPS
            later = make_tracking_number(
                "ups", "normal", started_at + timedelta(minutes=20), index % 100
            )
            shipments.append(orders.ShipmentData(later, "ups", skus[1:]))
        orders.create_order(
            merchant,
            orders.OrderData(
                order_number=f"#{1001 + index}",
                placed_at=started_at - timedelta(hours=rng.randint(2, 30)),
                currency="USD",
                total=sum(item.price * item.quantity for item in items),
                customer_name=name,
                customer_email=f"{name.split()[0].lower()}.{index}@example.com",
                customer_phone=f"+1415555{index:04d}",
                customer_locale={3: "es", 7: "de"}.get(index % 10, "en"),
                sms_opt_in=index % 3 == 0,
                ship_line1=f"{100 + index} Main Street",
                ship_city=city,
                ship_region=region,
                ship_postal_code=postal,
                ship_country="US",
                items=items,
                shipments=shipments,
            ),
        )
    db.session.flush()
    return merchant
