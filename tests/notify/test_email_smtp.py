"""Email over a real SMTP server: headers, both parts, and nothing lost or doubled in outages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.database import utcnow
from portal.models import Notification
from portal.services.dispatch import MAX_ATTEMPTS, send_due_notifications
from tests.notify.conftest import smtp_settings


@pytest.fixture
def app_settings(smtp_server):
    return smtp_settings(smtp_server)


@pytest.fixture
def acme(make_merchant):
    return make_merchant(
        "acme",
        "Acme Outdoor",
        primary_color="#2f6b3b",
        support_email="help@acme.test",
        support_phone="+1 415 555 0142",
    )


def test_email_arrives_with_brand_sender_reply_to_unsubscribe_headers_and_both_parts(
    db, acme, make_order, queue, smtp_server
):
    order = make_order(acme, order_number="#1042")
    queue(order, "shipped", order.shipments[0])

    stats = send_due_notifications()

    assert stats.sent == 1
    [message] = smtp_server.messages
    assert message["From"] == "Acme Outdoor <orders@porchlight.test>"
    assert message["To"] == "maya@example.com"
    assert message["Reply-To"] == "help@acme.test"
    assert message["Subject"] == "Your order #1042 is on its way"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://porchlight.test/u/") and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@porchlight.test>")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Your order is on its way." in text and "?src=email" in text
    assert "Track your order" in html and "#2f6b3b" in html
    row = db.session.scalar(select(Notification))
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    assert row.subject == message["Subject"] and "Track your order" in row.body_html


def test_smtp_down_for_a_while_loses_nothing_and_doubles_nothing(
    db, acme, make_order, queue, smtp_server
):
    orders = [
        make_order(acme, order_number=f"#20{i}", customer_email=f"s{i}@example.com")
        for i in range(4)
    ]
    for order in orders:
        queue(order, "shipped", order.shipments[0])
    smtp_server.stop()

    down = send_due_notifications()

    assert (down.sent, down.retried) == (0, 4)
    rows = db.session.scalars(select(Notification)).all()
    assert {row.status for row in rows} == {"pending"}
    assert all("SMTP unavailable" in row.error for row in rows)
    assert all(row.next_attempt_at > utcnow() for row in rows)
    assert send_due_notifications().claimed == 0  # backing off: not due yet

    with time_machine.travel(utcnow() + timedelta(minutes=3), tick=False):
        assert send_due_notifications().retried == 4  # still down, second attempt
    smtp_server.start()
    with time_machine.travel(utcnow() + timedelta(minutes=10), tick=False):
        up = send_due_notifications()
        again = send_due_notifications()

    assert (up.sent, again.claimed) == (4, 0)
    recipients = sorted(message["To"] for message in smtp_server.messages)
    assert recipients == [f"s{i}@example.com" for i in range(4)]
    db.session.expire_all()
    rows = db.session.scalars(select(Notification)).all()
    assert {(row.status, row.attempts, row.error) for row in rows} == {("sent", 3, None)}


def test_a_message_that_keeps_failing_ends_failed_with_the_error(
    db, acme, make_order, queue, smtp_server
):
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])
    smtp_server.stop()

    moment = utcnow()
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=3)
        with time_machine.travel(moment, tick=False):
            send_due_notifications()

    row = db.session.scalar(select(Notification))
    db.session.refresh(row)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert "SMTP unavailable" in row.error


def test_a_permanent_refusal_fails_at_once(db, acme, make_order, queue, smtp_server):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user"

    smtp_server.sink.handle_RCPT = refuse
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])

    stats = send_due_notifications()

    row = db.session.scalar(select(Notification))
    assert stats.failed == 1 and row.status == "failed" and "550" in row.error
