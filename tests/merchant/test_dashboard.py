"""The dashboard's figures equal counts made directly from the seeded rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from portal.database import utcnow
from portal.models import Feedback, Notification, PageView, Product, ProductClick
from portal.services import dashboard, dashboard_series, quota


def _seed(db, acme, make_order, make_merchant):
    now = utcnow()
    orders = []
    states = [
        ("delivered", False),
        ("delivered", True),
        ("delivered", False),
        ("in_transit", False),
        ("pre_transit", False),
        ("exception", False),
    ]
    for index, (status, late) in enumerate(states):
        order = make_order(
            acme, order_number=f"#20{index}", shipments=[("ups", f"1Z999AA1012345{index:04d}")]
        )
        order.placed_at = now - timedelta(days=3)
        shipment = order.shipments[0]
        shipment.status = status
        shipment.service = "Ground"
        if status == "delivered":
            shipment.delivered_at = now - timedelta(days=1)
            shipment.delivered_late = late
            shipment.created_at = now - timedelta(days=3)
        orders.append(order)
    orders[3].shipments[0].delayed = True
    orders[3].shipments[0].delay_reason = "stale"
    old = make_order(acme, order_number="#OLD", shipments=[("ups", "1Z999AA10123459999")])
    old.placed_at = now - timedelta(days=60)
    old.shipments[0].status = "delivered"
    for order, source, count in (
        (orders[0], "email", 3),
        (orders[1], "sms", 2),
        (orders[0], "agent", 2),
        (orders[3], "agent", 1),
    ):
        for _ in range(count):
            db.session.add(PageView(merchant_id=acme.id, order_id=order.id, source=source))
    for order, rating, comment in ((orders[0], 5, "Fast!"), (orders[1], 2, "Late again")):
        db.session.add(
            Feedback(
                merchant_id=acme.id,
                order_id=order.id,
                stage="after_delivery",
                rating=rating,
                comment=comment,
            )
        )
    for index, (channel, status) in enumerate(
        (("email", "sent"), ("email", "failed"), ("sms", "suppressed"), ("email", "sent"))
    ):
        db.session.add(
            Notification(
                merchant_id=acme.id,
                order_id=orders[index].id,
                trigger="shipped",
                channel=channel,
                status=status,
                dedupe_key=f"k{index}",
            )
        )
    product = Product(merchant_id=acme.id, sku="MUG", name="Mug", url="https://acme.test/mug")
    db.session.add(product)
    db.session.flush()
    db.session.add(ProductClick(merchant_id=acme.id, product_id=product.id, order_id=orders[0].id))
    other = make_merchant("other")
    other_order = make_order(other, order_number="#X", shipments=[("ups", "1Z999AA10123450000")])
    other_order.shipments[0].status = "delivered"
    db.session.add(PageView(merchant_id=other.id, order_id=other_order.id, source="agent"))
    db.session.commit()
    return orders


def test_dashboard_figures_equal_direct_counts(owner_client, acme, make_order, make_merchant, db):
    _seed(db, acme, make_order, make_merchant)
    period = dashboard.period_for(30)

    headline = dashboard.headline(acme.id, period)
    # shipped = delivered ×3, in_transit, exception (pre_transit hasn't left; #OLD is too old)
    assert headline["orders_shipped"] == 5
    assert headline["delivered"] == 3
    assert headline["on_time_rate"] == round(2 * 100 / 3, 1)
    assert headline["lookups"] == 3
    assert headline["wismo_rate"] == round(3 * 100 / 5, 1)
    assert headline["average_rating"] == 3.5
    assert dashboard.orders_placed(acme.id, period) == 6
    assert dashboard.shipments_by_status(acme.id, period)["delivered"] == 4  # created recently
    delayed = dashboard.delayed_now(acme.id)
    assert [number for _, number in delayed] == ["#203"]
    views = dashboard.page_views(acme.id, period)
    assert (
        views["total"] == 5
        and views["orders"] == 2
        and views["by_source"] == {"email": 3, "sms": 2}
    )
    assert dashboard.recommendation_clicks(acme.id, period, views["total"]) == {
        "clicks": 1,
        "ctr": 20.0,
    }
    counts = {(c, s): n for c, _, s, n in dashboard.notification_counts(acme.id, period)}
    assert counts == {("email", "sent"): 2, ("email", "failed"): 1, ("sms", "suppressed"): 1}
    [ups] = dashboard_series.carrier_performance(acme.id, period)
    assert (ups.carrier, ups.service, ups.delivered, ups.late) == ("ups", "Ground", 3, 1)
    assert ups.median_transit_days == 2.0
    series = dashboard_series.wismo_series(acme.id, period)
    assert sum(point["lookups"] for point in series) == 3
    assert sum(point["shipped"] for point in series) == 5

    html = owner_client.get("/merchant/?days=30").get_data(as_text=True)
    assert "66.7%" in html and "60.0" in html and "3.5" in html
    assert 'href="/agent/orders/%23203"' in html
    assert "<svg" in html and "<table" in html


def test_the_previous_period_gives_the_trend(owner_client, acme, make_order, make_merchant, db):
    _seed(db, acme, make_order, make_merchant)

    html = owner_client.get("/merchant/?days=7").get_data(as_text=True)

    assert "vs previous 7 days" in html
    assert "up 5" in html  # orders shipped: 0 in the week before, 5 this week


def test_the_quota_panel_shows_the_hourly_window_and_when_it_resets(
    client, acme, make_user, sign_in, db
):
    with time_machine.travel(datetime(2026, 11, 24, 15, 25, 30, tzinfo=UTC), tick=False):
        make_user(acme, role="owner", email="owner@acme.test")
        assert sign_in("owner@acme.test").status_code == 303
        quota.spend("usps", 12, utcnow())
        quota.spend("ups", 40, utcnow())
        html = client.get("/merchant/").get_data(as_text=True)

    assert "12 / 1400" in html and "40 / 50000" in html  # the day's figures
    hour = html.split('class="quota__hour"', 1)[1].split("</li>", 1)[0]
    assert 'aria-label="USPS quota used this hour"' in hour and 'max="60" value="12"' in hour
    assert "12 / 60" in hour
    assert "start again at the top of each hour (UTC), in 35 min." in html
    assert html.count('class="quota__hour"') == 1  # only USPS has an hourly window
