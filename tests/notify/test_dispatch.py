"""The dispatcher: leases, one voice per order, stale states, quiet hours, follow-ups, tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from portal.database import utcnow
from portal.models import Feedback, Notification
from portal.services.dispatch import claim_due_notifications, send_due_notifications
from portal.services.followups import queue_feedback_nudges, queue_feedback_requests
from portal.services.unsubscribes import UnsubscribeScope, record_unsubscribe

PHONE = "+12125550142"  # New York


@pytest.fixture
def acme(make_merchant):
    return make_merchant("acme", "Acme", support_email="help@acme.test")


def rows(db, **filters):
    query = select(Notification).filter_by(**filters).order_by(Notification.id)
    db.session.expire_all()
    return db.session.scalars(query).all()


def test_several_shipments_of_one_order_go_out_as_one_message(db, acme, make_order, queue):
    order = make_order(
        acme,
        order_number="#1042",
        shipments=[("ups", "1Z999AA10123456784"), ("ups", "1Z999AA10123456785")],
    )
    for shipment in order.shipments:
        shipment.status = "out_for_delivery"
    db.session.commit()
    for shipment in order.shipments:
        queue(order, "out_for_delivery", shipment)

    stats = send_due_notifications()

    first, second = rows(db, channel="email")
    assert stats.sent == 1 and stats.merged == 1
    assert first.status == "sent" and "Package 1 of 2" in first.body_text
    assert "Package 2 of 2" in first.body_text
    assert second.status == "suppressed" and second.suppressed_reason == f"merged into #{first.id}"


def test_a_state_already_overtaken_is_suppressed_not_sent_late(db, acme, make_order, queue):
    order = make_order(acme)
    queue(order, "out_for_delivery", order.shipments[0])
    order.shipments[0].status = "delivered"
    db.session.commit()

    stats = send_due_notifications()

    [row] = rows(db)
    assert stats.sent == 0 and row.status == "suppressed"
    assert row.suppressed_reason == "superseded: the shipment is now delivered"


def test_a_channel_switched_off_after_queueing_and_an_unsubscribe_suppress(
    db, acme, make_order, queue
):
    shipped = make_order(acme, order_number="#1")
    queue(shipped, "shipped", shipped.shipments[0])
    acme.settings = {"channels": {"shipped": []}}
    delivered = make_order(acme, order_number="#2", customer_email="Leo@Example.com")
    delivered.shipments[0].status = "delivered"
    queue(delivered, "delivered", delivered.shipments[0])
    record_unsubscribe(UnsubscribeScope(acme.id, "email", "leo@example.com"))
    db.session.commit()

    send_due_notifications()

    reasons = [row.suppressed_reason for row in rows(db)]
    assert reasons == ["channel off: email for shipped", "unsubscribed"]


def test_a_row_leased_by_another_worker_waits_until_the_lease_expires(db, acme, make_order, queue):
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])
    claimed, lease = claim_due_notifications(10)
    assert len(claimed) == 1

    assert claim_due_notifications(10) == ([], None)  # held: nobody else takes it
    with time_machine.travel(lease + timedelta(seconds=1), tick=False):
        reclaimed, _ = claim_due_notifications(10)
    assert reclaimed == claimed
    [row] = rows(db)
    assert row.attempts == 2  # the crashed attempt counts


def test_texts_wait_for_the_end_of_quiet_hours_in_the_shoppers_timezone(
    db, acme, make_order, queue
):
    late_evening = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)  # 22:30 in New York
    with time_machine.travel(late_evening, tick=False):
        order = make_order(acme, customer_phone=PHONE, sms_opt_in=True)
        order.shipments[0].status = "delivered"
        db.session.commit()
        queue(order, "delivered", order.shipments[0])
        stats = send_due_notifications()

    email, sms = sorted(rows(db), key=lambda row: row.channel)
    assert (stats.sent, stats.waiting) == (1, 1)  # the email goes, the text waits
    assert sms.status == "pending" and sms.attempts == 0
    assert sms.next_attempt_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 08:00 in NY
    with time_machine.travel(datetime(2026, 11, 24, 12, 59, tzinfo=UTC), tick=False):
        assert send_due_notifications().claimed == 0
    with time_machine.travel(datetime(2026, 11, 24, 13, 0, 1, tzinfo=UTC), tick=False):
        assert send_due_notifications().sent == 1


def test_feedback_request_after_n_days_then_an_sms_nudge_when_unanswered(db, acme, make_order):
    acme.settings = {"feedback_request_days": 5, "quiet_hours": False}
    order = make_order(acme, customer_phone=PHONE, sms_opt_in=True)
    answered = make_order(acme, order_number="#2")
    delivered_at = utcnow() - timedelta(days=6)
    for shipment in (order.shipments[0], answered.shipments[0]):
        shipment.status, shipment.delivered_at = "delivered", delivered_at
    db.session.add(
        Feedback(merchant_id=acme.id, order_id=answered.id, stage="after_delivery", rating=5)
    )
    db.session.commit()

    assert queue_feedback_requests(utcnow()) == 1
    assert queue_feedback_requests(utcnow()) == 0  # once
    assert send_due_notifications().sent == 1
    assert queue_feedback_nudges(utcnow()) == 0  # too early
    later = utcnow() + timedelta(days=3, minutes=1)
    assert queue_feedback_nudges(later) == 1
    db.session.commit()
    [request, nudge] = rows(db)
    assert (request.trigger, request.channel, nudge.trigger, nudge.channel) == (
        "feedback_request",
        "email",
        "feedback_nudge",
        "sms",
    )


def test_flask_tick_sends_due_notifications_and_counts_them(app, db, acme, make_order, queue):
    from portal.models import Shipment

    order = make_order(acme)
    db.session.execute(update(Shipment).values(next_poll_at=utcnow() + timedelta(days=1)))
    queue(order, "shipped", order.shipments[0])

    result = app.test_cli_runner().invoke(args=["tick"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("tick: claimed=0 polled=0 events=0 delayed=0 notified=1 ")
    assert rows(db)[0].status == "sent"


def test_api_order_queues_order_confirmed_unless_switched_off(
    db, client, make_merchant, make_api_key
):
    acme = make_merchant("acme", "Acme")
    quiet = make_merchant("quiet", "Quiet", settings={"channels": {"order_confirmed": []}})
    for merchant in (acme, quiet):
        answer = client.post(
            "/api/v1/orders",
            json={"order_number": "A-1", "customer": {"email": "maya@example.com"}},
            headers={"Authorization": f"Bearer {make_api_key(merchant)}"},
        )
        assert answer.status_code == 201

    [row] = rows(db)
    assert (row.merchant_id, row.trigger, row.channel) == (acme.id, "order_confirmed", "email")
    assert send_due_notifications().sent == 1
    assert rows(db)[0].subject == "Thanks for your order #A-1"
