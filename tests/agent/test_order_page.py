"""The order page: what the shopper asks about first, then shipments, messages, visits, notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.database import utcnow
from portal.models import Feedback, Notification, PageView
from tests.web.helpers import EASTERN, set_tracking


@pytest.fixture
def late_order(db, acme, make_order):
    """#1042: a UPS parcel in transit, running late with the carrier's reason."""
    order = make_order(
        acme,
        order_number="#1042",
        customer_phone="+14155550142",
        ship_line1="12 Elm Street",
        shipments=[("ups", "1Z999AA10123456784")],
    )
    now = utcnow().astimezone(EASTERN)
    set_tracking(
        order.shipments[0],
        "in_transit",
        service="UPS Ground",
        delayed=True,
        delay_reason="carrier_delay",
        delay_explanation="UPS reports a weather delay in Louisville on Tuesday.",
        estimated_delivery={"date": (now + timedelta(days=3)).date().isoformat()},
        last_polled_at=utcnow() - timedelta(minutes=5),
        events=[
            (now - timedelta(days=1), "in_transit", "Departed from facility", "Louisville"),
            (now - timedelta(hours=4), "in_transit", "Weather delay", "Louisville"),
        ],
    )
    return order


def add_notification(db, order, status="sent", error=None, trigger="shipped", key=None):
    row = Notification(
        merchant_id=order.merchant_id,
        order_id=order.id,
        shipment_id=order.shipments[0].id if order.shipments else None,
        trigger=trigger,
        channel="email",
        recipient=order.customer_email,
        dedupe_key=key or f"{order.id}:{trigger}:email:{status}",
        status=status,
        error=error,
        sent_at=utcnow() if status == "sent" else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_the_order_page_answers_the_customers_question_first(
    client, signed_in_agent, db, late_order
):
    add_notification(db, late_order, "failed", error="550 mailbox unavailable", key="k1")
    db.session.add(
        Feedback(
            merchant_id=late_order.merchant_id,
            order_id=late_order.id,
            stage="before_delivery",
            rating=2,
            comment="Where is it?",
        )
    )
    db.session.commit()

    html = client.get("/agent/orders/1042").get_data(as_text=True)

    summary = html.index("What the customer sees now")
    assert summary < html.index("Shipments") < html.index("Notifications")
    assert "Running late" in html or "Arriving" in html  # the shopper's own sentence
    assert "Carrier delay" in html
    assert "UPS reports a weather delay in Louisville on Tuesday." in html
    assert "Weather delay · Louisville" in html  # the last scan
    assert "1Z999AA10123456784" in html and "UPS Ground" in html
    assert "Departed from facility" in html  # the full timeline
    assert "Failed" in html and "550 mailbox unavailable" in html and "Resend" in html
    assert "2 of 5" in html and "Where is it?" in html
    assert "12 Elm Street" in html and "+14155550142" in html
    assert "http://porchlight.test/acme/orders/" in html  # the link to copy
    assert "See what the customer sees" in html


def test_another_shops_order_number_is_not_found(
    client, signed_in_agent, globex, make_order, late_order
):
    make_order(globex, order_number="#7001")

    assert client.get("/agent/orders/7001").status_code == 404
    assert client.get("/agent/orders/%231042").status_code == 200  # '#' ignored


def test_each_open_counts_as_an_agent_lookup_and_never_as_a_shopper_view(
    client, signed_in_agent, db, late_order
):
    now = utcnow()
    for minutes, source in ((300, "email"), (40, "sms"), (12, "sms")):
        db.session.add(
            PageView(
                merchant_id=late_order.merchant_id,
                order_id=late_order.id,
                source=source,
                viewed_at=now - timedelta(minutes=minutes),
            )
        )
    db.session.commit()

    first = client.get("/agent/orders/1042").get_data(as_text=True)
    second = client.get("/agent/orders/1042").get_data(as_text=True)

    assert "Viewed 3 times, last 12 min ago, from the SMS link" in first
    assert "2 from the SMS link, 1 from the email link" in first
    assert "Viewed 3 times" in second and "Looked up by an agent once." in second
    agent_views = select(func.count()).where(PageView.source == "agent")
    assert db.session.scalar(agent_views) == 2


def test_see_what_the_customer_sees_is_not_a_visit(client, signed_in_agent, db, late_order):
    response = client.get("/agent/orders/1042/preview")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Agent preview" in html and "Weather delay" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert db.session.scalar(select(func.count()).select_from(PageView)) == 0


def test_the_preview_of_another_shops_order_is_not_found(
    client, signed_in_agent, globex, make_order
):
    make_order(globex, order_number="#7001")

    assert client.get("/agent/orders/7001/preview").status_code == 404


def test_an_order_without_anything_yet_still_reads_well(client, signed_in_agent, acme, make_order):
    make_order(acme, order_number="#2001", shipments=[], customer_phone=None)

    html = client.get("/agent/orders/2001").get_data(as_text=True)

    assert "Order received" in html
    assert "Nothing has shipped yet." in html
    assert "No messages about this order yet." in html
    assert "The customer hasn&#39;t opened the tracking page yet." in html
    assert "No feedback yet." in html and "No notes yet." in html


def test_signed_out_visitors_go_to_login(client, late_order):
    response = client.get("/agent/orders/1042")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
