"""The foundation's path: an order from the API, polled from UPS (the emulator) by `flask tick`,
shows its status and events on the shopper's tracking link."""

from datetime import UTC, datetime, timedelta

import time_machine

from carriers.emulator import make_tracking_number
from portal.extensions import db
from portal.services import merchants
from portal.services.api_keys import create_api_key
from tests.clock import frozen_clock_at

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
frozen_clock = frozen_clock_at(NOW)  # the shop, its key, the order and each read: all at NOW


def test_order_from_api_through_ups_to_tracking_page(carrier_app, emulator):
    with carrier_app.app_context():
        acme = merchants.create_merchant("acme", "Acme Outdoor")
        acme.primary_color = "#2f6b3b"
        _, key = create_api_key(acme)
        db.session.commit()
    client = carrier_app.test_client()
    runner = carrier_app.test_cli_runner()

    # Started 3 hours before NOW at 60x: the whole "normal" journey is behind it.
    number = make_tracking_number("ups", "normal", NOW - timedelta(hours=3), seq=7)
    created = client.post(
        "/api/v1/orders",
        json={
            "order_number": "#1042",
            "customer": {"name": "Maya Patel", "email": "maya@example.com"},
            "items": [{"sku": "TENT-2P", "name": "Trail Tent 2P"}],
            "shipments": [{"tracking_number": number, "carrier": "ups"}],
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    assert created.status_code == 201, created.json
    result = runner.invoke(args=["tick"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("tick: claimed=1 polled=1 events=")
    assert "failed=0" in result.output and "quota=ups:" in result.output
    events_line = int(result.output.split("events=")[1].split()[0])
    assert events_line >= 5

    order = client.get("/api/v1/orders/1042", headers={"Authorization": f"Bearer {key}"}).json
    (shipment,) = order["shipments"]
    assert shipment["status"] == "delivered"
    assert shipment["signed_by"]
    assert shipment["delivered_at"] is not None
    assert shipment["estimated_delivery"] is None
    assert len(shipment["events"]) == events_line
    times = [event["occurred_at"] for event in shipment["events"]]
    assert times == sorted(times, reverse=True)  # newest first, each with its UTC offset
    assert all(t[-6] in "+-" for t in times)

    page = client.get(order["tracking_url"].removeprefix("http://porchlight.test"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acme Outdoor" in html and "#2f6b3b" in html
    assert "Delivered" in html
    first_event = shipment["events"][0]["description"]
    assert first_event in html

    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        again = runner.invoke(args=["tick"])
    assert again.output.startswith("tick: claimed=0 polled=0 events=0")


def test_a_second_poll_adds_only_new_events(carrier_app, emulator):
    with carrier_app.app_context():
        acme = merchants.create_merchant("acme", "Acme Outdoor")
        _, key = create_api_key(acme)
        db.session.commit()
    client = carrier_app.test_client()
    runner = carrier_app.test_cli_runner()
    headers = {"Authorization": f"Bearer {key}"}
    started = NOW - timedelta(minutes=30)  # 30 scenario hours in: mid-journey
    number = make_tracking_number("ups", "normal", started, seq=8)

    client.post(
        "/api/v1/orders",
        json={
            "order_number": "7",
            "shipments": [{"tracking_number": number, "carrier": "ups"}],
        },
        headers=headers,
    )
    first = runner.invoke(args=["tick"])
    first_events = len(
        client.get("/api/v1/orders/7", headers=headers).json["shipments"][0]["events"]
    )
    status = client.get("/api/v1/orders/7", headers=headers).json["shipments"][0]["status"]
    assert "failed=0" in first.output and first_events >= 2
    assert status in ("pre_transit", "in_transit")

    with time_machine.travel(NOW + timedelta(hours=4), tick=False):
        second = runner.invoke(args=["tick"])
    shipment = client.get("/api/v1/orders/7", headers=headers).json["shipments"][0]
    added = int(second.output.split("events=")[1].split()[0])
    assert added > 0 and len(shipment["events"]) == first_events + added
    assert shipment["status"] == "delivered"
    keys = [(e["occurred_at"], e["description"]) for e in shipment["events"]]
    assert len(keys) == len(set(keys))  # every carrier event stored exactly once
