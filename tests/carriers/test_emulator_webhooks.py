"""EasyPost-style webhooks from the emulator, verified by a receiver on a loopback port."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from carriers.easypost_parse import parse_webhook
from carriers.emulator import make_tracking_number
from tests.carriers.helpers import START, at_hours

SECRET = "sécret-ﬁ"  # non-ASCII, with a ligature NFKD turns into "fi"


class Receiver(BaseHTTPRequestHandler):
    """Records each POST and whether its X-Hmac-Signature matches the raw body."""

    received: list[dict]

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = unicodedata.normalize("NFKD", SECRET).encode()
        expected = "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        self.received.append(
            {
                "valid": hmac.compare_digest(expected, self.headers.get("X-Hmac-Signature", "")),
                "event": json.loads(body),
            }
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    handler = type("BoundReceiver", (Receiver,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/easypost", handler.received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def tick(emulator) -> int:
    return requests.post(f"{emulator.url}/_emulator/easypost/tick", timeout=10).json()["sent"]


def test_each_new_step_is_posted_once_with_a_valid_signature(make_carrier, emulator, receiver):
    url, received = receiver
    registered = requests.post(
        f"{emulator.url}/_emulator/easypost/webhooks",
        json={"url": url, "secret": SECRET},
        timeout=5,
    )
    assert registered.status_code == 201
    number = make_tracking_number("easypost", "normal", START, 1)
    with at_hours(6):
        [result] = make_carrier("easypost").track([number])  # creates the tracker
        assert result.ok and tick(emulator) == 0  # nothing new since creation
    with at_hours(64):
        assert tick(emulator) == 1
        assert tick(emulator) == 0  # already told
    with at_hours(68):
        assert tick(emulator) == 1

    assert [r["valid"] for r in received] == [True, True]
    first, second = (r["event"] for r in received)
    assert first["object"] == "Event" and first["id"].startswith("evt_")
    assert first["description"] == "tracker.updated"
    assert first["previous_attributes"] == {"status": "in_transit"}
    assert first["result"]["status"] == "out_for_delivery"
    assert second["previous_attributes"] == {"status": "out_for_delivery"}
    assert parse_webhook(second).signed_by == "MORALES"
    deliveries = requests.get(f"{emulator.url}/_emulator/easypost/webhooks", timeout=5).json()
    assert [d["status"] for d in deliveries["webhooks"][0]["deliveries"]] == [200, 200]


def test_registration_needs_a_url_and_a_secret(emulator):
    bad = requests.post(
        f"{emulator.url}/_emulator/easypost/webhooks", json={"url": "ftp://x"}, timeout=5
    )
    assert bad.status_code == 400


def test_an_unreachable_target_is_recorded_not_fatal(make_carrier, emulator):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    requests.post(
        f"{emulator.url}/_emulator/easypost/webhooks",
        json={"url": f"http://127.0.0.1:{port}/", "secret": "s"},
        timeout=5,
    )
    number = make_tracking_number("easypost", "normal", START, 2)
    with at_hours(6):
        make_carrier("easypost").track([number])
    with at_hours(64):
        assert tick(emulator) == 1
    deliveries = requests.get(f"{emulator.url}/_emulator/easypost/webhooks", timeout=5).json()
    assert deliveries["webhooks"][0]["deliveries"][0]["status"] == "ConnectionError"
