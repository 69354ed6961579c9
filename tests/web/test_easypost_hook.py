"""EasyPost pushes tracker updates: signed webhooks apply like a poll; bad ones change nothing."""

import json
from datetime import timedelta

import pytest
import requests
import time_machine
from sqlalchemy import select

from carriers.easypost_parse import webhook_signature
from carriers.emulator import make_tracking_number
from portal.database import utcnow
from portal.models import Shipment, TrackingEvent
from portal.services.push import PUSHED_POLL_DELAY

SECRET = "whsec-easypost-test"


@pytest.fixture
def app(carrier_app, make_app, emulator):
    settings = {
        f"CARRIER_{code}_{name}": value
        for code in ("UPS", "FEDEX", "USPS", "DHL", "EASYPOST")
        for name, value in (
            ("BASE_URL", emulator.url),
            ("CLIENT_ID", "demo"),
            ("CLIENT_SECRET", "demo"),
            ("API_KEY", "demo"),
        )
    }
    return make_app(CARRIER_EASYPOST_WEBHOOK_SECRET=SECRET, **settings)


@pytest.fixture
def easypost_shipment(app, db, make_merchant, make_order):
    started = utcnow() - timedelta(minutes=20)  # 20 scenario hours in: label and first scans
    number = make_tracking_number("easypost", "normal", started, 3)
    order = make_order(make_merchant("acme", "Acme"), shipments=[("easypost", number)])
    assert app.test_cli_runner().invoke(args=["tick"]).output.startswith("tick: claimed=1 polled=1")
    return order.shipments[0].id


def test_signed_webhooks_from_the_emulator_move_the_shipment_on(
    app, db, emulator, live_url, easypost_shipment
):
    before = db.session.get(Shipment, easypost_shipment)
    events_before = len(before.events)
    status_before = before.status
    registered = requests.post(
        f"{emulator.url}/_emulator/easypost/webhooks",
        json={"url": f"{live_url}/hooks/carriers/easypost", "secret": SECRET},
    )
    assert registered.status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=3)):
        sent = requests.post(f"{emulator.url}/_emulator/easypost/tick").json()["sent"]
    assert sent == 1
    deliveries = requests.get(f"{emulator.url}/_emulator/easypost/webhooks").json()["webhooks"][0][
        "deliveries"
    ]
    assert [delivery["status"] for delivery in deliveries] == [200]

    db.session.rollback()
    shipment = db.session.get(Shipment, easypost_shipment)
    assert shipment.status == "delivered" != status_before
    assert len(shipment.events) > events_before
    assert (
        shipment.next_poll_at is None
        or shipment.next_poll_at >= utcnow() + PUSHED_POLL_DELAY - timedelta(minutes=1)
    )


def event_body(number: str, status: str = "in_transit") -> bytes:
    tracker = {
        "id": "trk_1",
        "object": "Tracker",
        "tracking_code": number,
        "status": status,
        "tracking_details": [],
    }
    return json.dumps(
        {"id": "evt_1", "object": "Event", "description": "tracker.updated", "result": tracker}
    ).encode()


def post(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hmac-Signature"] = signature
    return client.post("/hooks/carriers/easypost", data=body, headers=headers)


def snapshot(db, shipment_id):
    db.session.rollback()
    shipment = db.session.get(Shipment, shipment_id)
    events = db.session.scalar(
        select(TrackingEvent.id)
        .where(TrackingEvent.shipment_id == shipment_id)
        .order_by(TrackingEvent.id.desc())
    )
    return shipment.status, shipment.next_poll_at, events


@pytest.mark.parametrize("signature", [None, "hmac-sha256-hex=00", "sha256=whatever"])
def test_unsigned_or_badly_signed_webhooks_are_refused_and_change_nothing(
    client, db, easypost_shipment, signature
):
    number = db.session.get(Shipment, easypost_shipment).tracking_number
    before = snapshot(db, easypost_shipment)
    response = post(client, event_body(number, "delivered"), signature)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_signature"
    assert snapshot(db, easypost_shipment) == before


def test_a_tampered_body_is_refused(client, db, easypost_shipment):
    number = db.session.get(Shipment, easypost_shipment).tracking_number
    signature = webhook_signature(SECRET, event_body(number, "in_transit"))
    before = snapshot(db, easypost_shipment)
    assert post(client, event_body(number, "delivered"), signature).status_code == 401
    assert snapshot(db, easypost_shipment) == before


def test_signed_but_malformed_json_is_400(client):
    body = b"{not json"
    response = post(client, body, webhook_signature(SECRET, body))
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


def test_other_event_types_are_acknowledged_and_ignored(client):
    body = json.dumps(
        {"id": "evt_2", "object": "Event", "description": "batch.created", "result": {}}
    ).encode()
    response = post(client, body, webhook_signature(SECRET, body))
    assert response.status_code == 200 and response.json == {"applied": 0, "ignored": True}


def test_without_a_configured_secret_the_hook_is_off(make_app):
    client = make_app().test_client()
    body = event_body("EZ1000000001")
    assert post(client, body, webhook_signature("anything", body)).status_code == 404
