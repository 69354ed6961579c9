"""The landing page: what Porchlight is, and the demo's way in."""

from __future__ import annotations

from datetime import timedelta

from portal.database import utcnow
from tests.web.helpers import set_tracking


def test_landing_page_explains_porchlight_with_an_empty_database(client, db):
    response = client.get("/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "tracking page in your own brand" in html
    assert "There's no demo data yet." in html
    assert 'href="/login"' in html


def test_landing_page_links_one_demo_order_per_status(client, db, make_merchant, make_order):
    acme = make_merchant("acme", "Acme Outdoor")
    first = make_order(acme, order_number="#1001")
    second = make_order(acme, order_number="#1002", shipments=[("ups", "1Z999AA10123456785")])
    make_order(acme, order_number="#1003", shipments=[("ups", "1Z999AA10123456786")])
    set_tracking(first.shipments[0], "delivered", delivered_at=utcnow() - timedelta(hours=1))
    set_tracking(second.shipments[0], "in_transit")

    html = client.get("/").get_data(as_text=True)

    assert "Acme Outdoor" in html
    for order in (first, second):
        assert f"/acme/orders/{order.active_link.token}" in html
    assert "Delivered" in html and "In transit" in html
    assert "Order #1003" in html  # the one still unknown to the carrier


def test_production_hides_the_demo(make_app, monkeypatch):
    app = make_app(PORCHLIGHT_ENV="development")
    app.config["PORCHLIGHT_ENV"] = "production"

    html = app.test_client().get("/").get_data(as_text=True)

    assert "Try the demo" not in html
