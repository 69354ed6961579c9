"""The landing page: what Porchlight is, and the demo's way in."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
    acme = make_merchant("acme", "Acme Outdoor", is_demo=True)
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


def test_landing_page_lists_only_the_demo_shops_orders(client, db, make_merchant, make_order):
    """Real tenants' tracking links never appear, even when they were created first."""
    globex = make_merchant("globex", "Globex Supplies")
    real = make_order(globex, order_number="#501")
    acme = make_merchant("acme", "Acme Outdoor", is_demo=True)
    demo = make_order(acme, order_number="#1001", shipments=[("ups", "1Z999AA10123456785")])

    html = client.get("/").get_data(as_text=True)

    assert f"/acme/orders/{demo.active_link.token}" in html
    assert real.active_link.token not in html
    assert "Globex" not in html and "/globex/" not in html


@pytest.mark.parametrize(
    ("peer", "forwarded_for"), [("203.0.113.9", None), ("203.0.113.9", "127.0.0.1")]
)
def test_demo_links_are_shown_only_to_this_machine(
    make_app, make_merchant, make_order, peer, forwarded_for
):
    token = make_order(make_merchant("acme", "Acme", is_demo=True)).active_link.token
    client = make_app(TRUSTED_PROXIES="1").test_client()
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}

    remote = client.get("/", headers=headers, environ_base={"REMOTE_ADDR": peer})
    local = client.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"})

    assert remote.status_code == 200
    html = remote.get_data(as_text=True)
    assert token not in html and "/orders/" not in html
    assert "tracking page in your own brand" in html
    assert token in local.get_data(as_text=True)
