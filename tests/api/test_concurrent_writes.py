"""Bursts of writes through a real threaded server: API creates and signed hooks all land."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

from carriers.easypost_parse import SIGNATURE_HEADER, webhook_signature
from portal.database import utcnow
from portal.models import Order, Shipment, SmsOptOut
from portal.services.sms_replies import twilio_signature
from tests.api.test_orders import ORDER

EASYPOST_SECRET = "whsec-burst-test"
TWILIO_TOKEN = "twilio-burst-token"
OUR_NUMBER = "+14155550100"
WRITERS = 8
ORDERS_PER_WRITER = 5
TRACKERS = ("EZ4000000001", "EZ4000000002")  # each delivered four times at once
PHONES = ("+12125550101", "+12125550102", "+12125550103", "+12125550104")


@pytest.fixture
def app(make_app):
    return make_app(CARRIER_EASYPOST_WEBHOOK_SECRET=EASYPOST_SECRET, TWILIO_AUTH_TOKEN=TWILIO_TOKEN)


def tracker_event(number: str, now: datetime) -> bytes:
    details = [
        {
            "datetime": (now - timedelta(hours=hours)).isoformat(),
            "status": "in_transit",
            "message": f"Departed facility {hours}",
            "tracking_location": {"city": "Reno", "state": "NV", "country": "US"},
        }
        for hours in (3, 2, 1)
    ]
    tracker = {"tracking_code": number, "status": "in_transit", "tracking_details": details}
    return json.dumps({"description": "tracker.updated", "result": tracker}).encode()


def test_api_writers_and_hook_deliveries_at_once_are_all_answered_2xx(
    db, acme, make_api_key, make_order, live_url
):
    key = make_api_key(acme)
    for index, number in enumerate(TRACKERS):
        make_order(acme, order_number=f"#E{index}", shipments=[("easypost", number)])
    twilio_url = f"{live_url}/hooks/sms/twilio"
    answers: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def record(kind: str, response: requests.Response) -> None:
        with lock:
            answers.append((kind, response.status_code, response.text[:200]))

    def api_writer(writer: int) -> None:
        session = requests.Session()
        start.wait()
        for n in range(ORDERS_PER_WRITER):
            response = session.post(
                f"{live_url}/api/v1/orders",
                json={**ORDER, "order_number": f"#W{writer}-{n}"},
                headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )
            record("api", response)

    def easypost_delivery(body: bytes) -> None:
        headers = {SIGNATURE_HEADER: webhook_signature(EASYPOST_SECRET, body)}
        headers["Content-Type"] = "application/json"
        start.wait()
        response = requests.post(
            f"{live_url}/hooks/carriers/easypost", data=body, headers=headers, timeout=60
        )
        record("easypost", response)

    def twilio_stop(phone: str) -> None:
        form = {"From": phone, "To": OUR_NUMBER, "Body": "STOP", "MessageSid": f"SM{phone}"}
        signature = twilio_signature(TWILIO_TOKEN, twilio_url, list(form.items()))
        start.wait()
        response = requests.post(
            twilio_url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60
        )
        record("twilio", response)

    jobs = [(api_writer, (writer,)) for writer in range(WRITERS)]
    bodies = [tracker_event(number, utcnow()) for number in TRACKERS]
    jobs += [(easypost_delivery, (body,)) for body in bodies * 4]  # EasyPost repeats itself
    jobs += [(twilio_stop, (phone,)) for phone in PHONES * 2]
    start = threading.Barrier(len(jobs))  # every request leaves at the same moment
    threads = [threading.Thread(target=target, args=args) for target, args in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    failed = [answer for answer in answers if not 200 <= answer[1] < 300]
    assert failed == []
    assert len(answers) == WRITERS * ORDERS_PER_WRITER + len(TRACKERS) * 4 + len(PHONES) * 2
    db.session.rollback()
    created = db.session.scalar(select(func.count()).select_from(Order))
    assert created == WRITERS * ORDERS_PER_WRITER + len(TRACKERS)
    for number in TRACKERS:
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == number))
        assert shipment.status == "in_transit"
        assert [event.description for event in shipment.events] == [
            f"Departed facility {hours}" for hours in (1, 2, 3)
        ]
    opted_out = db.session.scalars(select(SmsOptOut.phone).order_by(SmsOptOut.phone))
    assert list(opted_out) == list(PHONES)
