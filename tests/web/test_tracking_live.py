"""The live status: htmx polling answered with 304 when nothing changed; bounded SQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.database import utcnow
from portal.models import OrderItem, PageView, TrackingEvent
from tests.web.helpers import EASTERN, recorded_statements, set_tracking

HX = {"HX-Request": "true"}


def in_transit(make_order, merchant, number: str, events: int = 3, items: int = 1, parcels=1):
    order = make_order(
        merchant,
        order_number=number,
        items=[{"name": f"Item {n}", "sku": f"SKU-{n}"} for n in range(items)],
        shipments=[("ups", f"1Z999AA1012345{n:04d}") for n in range(parcels)],
    )
    now = utcnow().astimezone(EASTERN)
    for shipment in order.shipments:
        set_tracking(
            shipment,
            "in_transit",
            events=[
                (now - timedelta(hours=n + 1), "in_transit", f"Scan {n}", "Buffalo")
                for n in range(events)
            ],
            estimated_delivery={"date": (now + timedelta(days=2)).date().isoformat()},
        )
    return order


def path_of(order) -> str:
    return f"/acme/orders/{order.active_link.token}"


def test_the_status_polls_every_minute_while_not_delivered(client, acme, make_order):
    order = in_transit(make_order, acme, "#1")

    html = client.get(path_of(order)).get_data(as_text=True)

    assert 'hx-trigger="every 60s"' in html
    assert f'hx-get="{path_of(order)}"' in html
    assert 'aria-live="polite"' in html


def test_a_delivered_order_stops_polling(client, acme, make_order):
    order = make_order(acme, order_number="#2")
    set_tracking(order.shipments[0], "delivered", delivered_at=utcnow())

    assert "hx-trigger" not in client.get(path_of(order)).get_data(as_text=True)


def test_an_unchanged_status_is_answered_304_and_a_change_with_the_new_status(
    client, db, acme, make_order
):
    order = in_transit(make_order, acme, "#3")
    first = client.get(path_of(order), headers=HX)
    etag = first.headers["ETag"]

    assert first.status_code == 200
    assert f'data-etag="{etag}"' in first.get_data(as_text=True).replace("&#34;", '"')
    again = client.get(path_of(order), headers={**HX, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""

    shipment = order.shipments[0]
    set_tracking(
        shipment,
        "out_for_delivery",
        events=[(utcnow().astimezone(EASTERN), "out_for_delivery", "On vehicle", "Rochester")],
    )
    changed = client.get(path_of(order), headers={**HX, "If-None-Match": etag})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Out for delivery — arriving today" in changed.get_data(as_text=True)


def test_polling_is_not_a_page_view(client, db, acme, make_order):
    order = in_transit(make_order, acme, "#4")
    etag = client.get(path_of(order), headers=HX).headers["ETag"]
    client.get(path_of(order), headers={**HX, "If-None-Match": etag})

    assert db.session.scalars(select(PageView)).all() == []


def count_statements(app, client, path: str) -> list[str]:
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200
    return statements


def test_the_page_runs_the_same_statements_for_3_or_60_events_and_items(
    app, client, db, acme, make_order
):
    small = in_transit(make_order, acme, "#5", events=3, items=1, parcels=3)
    large = in_transit(make_order, acme, "#6", events=60, items=25, parcels=3)
    assert db.session.query(TrackingEvent).count() == 3 * 3 + 60 * 3
    assert db.session.query(OrderItem).count() == 26

    warm = in_transit(make_order, acme, "#8")
    count_statements(app, client, path_of(warm))  # the shop's catalogue is read once
    few = count_statements(app, client, path_of(small))
    many = count_statements(app, client, path_of(large))

    assert len(few) == len(many)
    assert len(many) <= 16


def test_the_page_is_complete_without_javascript(client, acme, make_order):
    order = in_transit(make_order, acme, "#7", events=8)
    html = client.get(path_of(order)).get_data(as_text=True)

    assert '<details class="more-events">' in html and "Show all 8 updates" in html
    assert 'method="post" action="/acme/orders/' in html  # feedback and SMS are plain forms
