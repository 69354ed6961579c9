"""Notification fixtures: a real SMTP server, a webhook receiver, and outbox helpers."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.database import utcnow
from portal.extensions import db as _db
from portal.notify.webhook import verify
from portal.services.outbox import NotificationRequest, queue_notifications

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # base64 of 24 bytes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailSink:
    """An aiosmtpd handler that keeps every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.lock = threading.Lock()
        self.on_message = None

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append(envelope)
            count = len(self.messages)
        if self.on_message:
            self.on_message(count)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    sink: MailSink
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.sink.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), MailSink())
    server.start()
    yield server
    server.stop()


def smtp_settings(server: SmtpServer) -> dict[str, str]:
    return {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(server.port),
        "SMTP_STARTTLS": "false",
        "MAIL_FROM": "orders@porchlight.test",
    }


@dataclass
class WebhookReceiver:
    url: str
    secret: str
    received: list[dict] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A merchant's endpoint on a free loopback port that checks Standard Webhooks signatures."""
    receiver = WebhookReceiver(url="", secret=SECRET)

    @Request.application
    def endpoint(request: Request) -> Response:
        body = request.get_data()
        valid = verify(receiver.secret, request.headers, body)
        receiver.received.append({"headers": dict(request.headers), "body": body, "ok": valid})
        status = 204 if valid else 401
        receiver.answers.append(status)
        return Response(status=status)

    server = make_server("127.0.0.1", 0, endpoint, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/hooks/porchlight"
    yield receiver
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def app_settings() -> dict:
    """Per-module overrides for the app (SMTP, Twilio, webhooks)."""
    return {}


@pytest.fixture
def app(make_app, app_settings):
    return make_app(**app_settings)


@pytest.fixture
def queue(db):
    """Queue a trigger for an order (and shipment) as the poller would; returns the rows."""

    def add(order, trigger, shipment=None, now=None, **fields):
        request = NotificationRequest(order, trigger, shipment, **fields)
        rows = queue_notifications([request], now or utcnow())
        _db.session.commit()
        return rows

    return add
