"""Refresh from carrier now: the carrier's news swapped into the page, at most once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from carriers.emulator import make_tracking_number
from portal.models import AuditLog, TrackingEvent
from tests.clock import frozen_clock_at

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
frozen_clock = frozen_clock_at(NOW)  # orders, sign-ins and refreshes all happen at NOW


@pytest.fixture
def app(carrier_app):
    """Every request and the test itself talk to the carriers through the emulator."""
    return carrier_app


@pytest.fixture
def ups_order(acme, make_order):
    # Started 3 hours before NOW at 60x: the whole journey is behind it, delivered.
    number = make_tracking_number("ups", "normal", NOW - timedelta(hours=3), seq=3)
    return make_order(acme, order_number="#1042", shipments=[("ups", number)])


def refresh(client, shipment_id: int, htmx: bool = True):
    headers = {"HX-Request": "true", "HX-Target": f"shipment-{shipment_id}"} if htmx else {}
    return client.post(f"/agent/orders/1042/shipments/{shipment_id}/refresh", headers=headers)


def test_refresh_swaps_in_the_carriers_news_then_waits_a_minute(
    client, sign_in, agent, db, ups_order
):
    shipment_id = ups_order.shipments[0].id
    sign_in(agent)
    response = refresh(client, shipment_id)
    again = refresh(client, shipment_id)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<section id="shipment-{shipment_id}"')
    assert "Checked with UPS just now:" in html and "new updates" in html
    assert "Delivered" in html
    assert 'id="order-summary"' in html and 'hx-swap-oob="true"' in html
    events = db.session.scalars(select(TrackingEvent)).all()
    assert len(events) >= 5
    assert all(event.description in html for event in events)

    refused = again.get_data(as_text=True)
    assert "It was checked with the carrier less than a minute ago." in refused

    db.session.rollback()
    outcomes = db.session.scalars(select(AuditLog.details).order_by(AuditLog.id)).all()
    assert [entry["outcome"] for entry in outcomes] == ["ok", "refused"]
    assert db.session.scalar(select(AuditLog.action)) == "shipment.refreshed"


def test_refresh_without_javascript_comes_back_to_the_order_page(client, sign_in, agent, ups_order):
    shipment_id = ups_order.shipments[0].id
    sign_in(agent)
    response = refresh(client, shipment_id, htmx=False)
    page = client.get("/agent/orders/1042").get_data(as_text=True)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/agent/orders/1042#shipment-{shipment_id}")
    assert "Checked with UPS just now:" in page


def test_another_shops_shipment_cannot_be_refreshed(
    client, sign_in, agent, ups_order, globex, make_order
):
    theirs = make_order(globex, order_number="#1042", shipments=[("ups", "1Z999AA10123456784")])
    sign_in(agent)

    response = refresh(client, theirs.shipments[0].id)

    assert response.status_code == 404
