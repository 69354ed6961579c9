"""Page versions move with everything the tracking page shows, and only with that."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from carriers import CarrierEvent, TrackingResult, TrackingStatus
from portal.database import utcnow
from portal.models import Merchant, Order, OrderItem, Product
from portal.services import page_versions
from portal.services.feedback import save_feedback
from portal.services.tracking import apply_tracking_results
from tests.web.helpers import EASTERN, set_tracking


def order_version(db, order_id: int) -> int:
    return db.session.scalar(select(Order.page_version).where(Order.id == order_id))


def merchant_version(db, merchant_id: int) -> int:
    return db.session.scalar(select(Merchant.page_version).where(Merchant.id == merchant_id))


def test_a_status_change_moves_the_order_version(db, acme, make_order):
    order = make_order(acme)
    before = order_version(db, order.id)

    set_tracking(order.shipments[0], "in_transit")

    assert order_version(db, order.id) == before + 1


def test_the_pollers_bookkeeping_moves_nothing(db, acme, make_order):
    order = make_order(acme)
    before = order_version(db, order.id)
    shipment = order.shipments[0]

    shipment.next_poll_at = utcnow() + timedelta(hours=3)
    shipment.last_polled_at = utcnow()
    shipment.poll_failures = 2
    shipment.last_error = "timeout"
    db.session.commit()

    assert order_version(db, order.id) == before


def test_setting_a_column_to_its_own_value_moves_nothing(db, acme, make_order):
    order = make_order(acme)
    before = order_version(db, order.id)

    order.shipments[0].status = order.shipments[0].status
    order.customer_name = order.customer_name
    db.session.commit()

    assert order_version(db, order.id) == before


def test_a_new_event_an_item_and_feedback_each_move_the_order_version(db, acme, make_order):
    order = make_order(acme)
    version = order_version(db, order.id)

    now = utcnow().astimezone(EASTERN)
    set_tracking(order.shipments[0], "unknown", events=[(now, "unknown", "Label", "Buffalo")])
    assert order_version(db, order.id) == version + 1

    db.session.add(OrderItem(merchant_id=acme.id, order_id=order.id, name="Mug"))
    db.session.commit()
    assert order_version(db, order.id) == version + 2

    save_feedback(order, "before_delivery", 5, "Quick")
    db.session.commit()
    assert order_version(db, order.id) == version + 3


def test_the_pollers_core_inserts_move_the_version(db, acme, make_order):
    order = make_order(acme)
    shipment = order.shipments[0]
    before = order_version(db, order.id)
    now = utcnow()
    result = TrackingResult(
        tracking_number=shipment.tracking_number,
        status=TrackingStatus.PRE_TRANSIT,
        events=(
            CarrierEvent(
                occurred_at=now - timedelta(hours=1),
                status=TrackingStatus.PRE_TRANSIT,
                code="MP",
                description="Shipper created a label",
            ),
        ),
    )

    apply_tracking_results([(shipment, result)], now)
    db.session.commit()

    assert order_version(db, order.id) == before + 1


def test_a_core_write_is_marked_by_touch(db, acme, make_order):
    order = make_order(acme)
    before = order_version(db, order.id)

    page_versions.touch(db.session, shipment_ids=[order.shipments[0].id])
    db.session.commit()

    assert order_version(db, order.id) == before + 1


def test_branding_and_the_catalogue_move_the_merchant_version(db, acme):
    before = merchant_version(db, acme.id)

    acme.primary_color = "#225533"
    db.session.commit()
    assert merchant_version(db, acme.id) == before + 1

    db.session.add(
        Product(
            merchant_id=acme.id,
            sku="MUG",
            name="Mug",
            url="https://acme.test/mug",
            price=Decimal("9.00"),
        )
    )
    db.session.commit()
    assert merchant_version(db, acme.id) == before + 2


def test_a_rolled_back_change_moves_nothing(db, acme, make_order):
    order = make_order(acme)
    before = order_version(db, order.id)

    order.shipments[0].status = "exception"
    db.session.flush()
    db.session.rollback()
    db.session.commit()

    assert order_version(db, order.id) == before


def test_other_orders_keep_their_version(db, acme, make_order):
    first = make_order(acme, order_number="#1")
    second = make_order(acme, order_number="#2", shipments=(("ups", "1Z999AA10123456792"),))
    before = order_version(db, second.id)

    set_tracking(first.shipments[0], "in_transit")

    assert order_version(db, second.id) == before
