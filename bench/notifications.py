"""Notification benchmark: outbox rows dispatched per second to a local SMTP sink, vs smtplib."""

# Run: .venv/bin/python bench/notifications.py [--quick] [--messages N]

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from bench.common import free_port  # noqa: E402
from portal import create_app  # noqa: E402
from portal.database import utcnow  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.notify import OutgoingMessage  # noqa: E402
from portal.notify.email import SmtpEmail, build_email  # noqa: E402
from portal.notify.transports import Transports  # noqa: E402
from portal.services import merchants, orders  # noqa: E402
from portal.services.dispatch import send_due_notifications  # noqa: E402
from portal.services.outbox import NotificationRequest, queue_notifications  # noqa: E402

DISPATCH_WORK = "claim, render, send, record"
BASELINE_WORK = "MIME build + send, one connection"


class CountingSink:
    """Accepts every message and counts it (the SMTP server both contenders talk to)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def seed(count: int) -> None:
    """One merchant, `count` orders and one pending `shipped` email row per order."""
    acme = merchants.create_merchant("acme", "Acme Outdoor")
    acme.support_email = "help@acme.test"
    requests = []
    for index in range(count):
        order = orders.create_order(
            acme,
            orders.OrderData(
                order_number=f"B{index}",
                customer_name="Maya Patel",
                customer_email=f"shopper{index}@example.com",
                items=[orders.ItemData(name="Trail Tent 2P", sku="TENT")],
            ),
        )
        requests.append(NotificationRequest(order, "shipped"))
    queue_notifications(requests, utcnow())
    db.session.commit()


def plain_smtplib(port: int, messages: list[OutgoingMessage]) -> float:
    """The baseline: the same messages, pre-built, down one smtplib connection; msgs/s."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for message in messages:
            connection.send_message(build_email(message))
    return len(messages) / (time.perf_counter() - started)


class RecordingSmtp(SmtpEmail):
    """The dispatcher's own SMTP transport, keeping each message so the baseline sends the
    very same ones (same headers, same parts)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage):
        result = super().send(message)
        self.sent.append(message)
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny input (the smoke test)")
    parser.add_argument("--messages", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.messages or (20 if args.quick else 1000)

    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
                "QUEUE_URL": f"sqlite:///{tmp}/jobs.db",
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench-secret-key-that-is-long-enough",
                "MAIL_BACKEND": "smtp",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(port),
                "SMTP_STARTTLS": "false",
                "MAIL_FROM": "orders@porchlight.test",
            }
        )
        try:
            with app.app_context():
                db.create_all()
                seed(count)
                transports = Transports.from_config(app.config)
                transports.email = RecordingSmtp("127.0.0.1", port, None, None, False)
                started = time.perf_counter()
                stats = send_due_notifications(transports=transports)
                dispatch_rate = stats.sent / (time.perf_counter() - started)
                transports.close()
                baseline_rate = plain_smtplib(port, transports.email.sent)
                db.session.remove()
                db.engine.dispose()
        finally:
            controller.stop()
    if stats.sent != count or sink.count != 2 * count:
        print(f"error: sent {stats.sent} of {count}; sink got {sink.count}", file=sys.stderr)
        return 1
    today = datetime.now(UTC).date().isoformat()
    print(
        f"notifications benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {today}"
    )
    print(f"outbox dispatch   {dispatch_rate:8.1f} messages/s  ({count} rows: {DISPATCH_WORK})")
    print(f"plain smtplib     {baseline_rate:8.1f} messages/s  (same messages: {BASELINE_WORK})")
    print(f"ratio dispatch/smtplib: {dispatch_rate / baseline_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
