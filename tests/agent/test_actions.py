"""What agents do to an order: resend, note, new tracking link; each one audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AgentNote, AuditLog, Notification
from portal.services.dispatch import send_due_notifications
from tests.agent.test_order_page import add_notification


@pytest.fixture
def order(acme, make_order, db):
    acme.settings = {"quiet_hours": False}  # the resend may go out at any hour of the test run
    db.session.commit()
    return make_order(acme, order_number="#1042")


def audit_actions(db) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_resend_queues_a_new_row_that_goes_out_exactly_once(client, signed_in_agent, db, order):
    original = add_notification(db, order, "failed", error="timeout", trigger="order_confirmed")
    original_key = original.dedupe_key

    response = client.post(f"/agent/orders/1042/notifications/{original.id}/resend")

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/agent/orders/1042#notifications")
    db.session.rollback()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert len(rows) == 2
    original, resent = rows
    assert original.status == "failed"  # the record of what happened stays as it was
    assert resent.dedupe_key == f"{original_key}:resend:1"
    assert (resent.trigger, resent.channel, resent.recipient) == (
        "order_confirmed",
        "email",
        "maya@example.com",
    )
    assert resent.status == "sent" and resent.sent_at is not None
    assert send_due_notifications().sent == 0  # the dispatcher never sends it a second time
    page = client.get("/agent/orders/1042").get_data(as_text=True)
    assert "Sent again to maya@example.com." in page and "resent" in page
    assert audit_actions(db) == ["notification.resent"]


def test_a_second_resend_gets_its_own_key(client, signed_in_agent, db, order):
    original = add_notification(db, order, "sent", trigger="order_confirmed")

    client.post(f"/agent/orders/1042/notifications/{original.id}/resend")
    first = db.session.scalar(select(Notification).order_by(Notification.id.desc()))
    client.post(f"/agent/orders/1042/notifications/{first.id}/resend")

    db.session.rollback()
    keys = db.session.scalars(select(Notification.dedupe_key).order_by(Notification.id)).all()
    assert keys == [original.dedupe_key, f"{keys[0]}:resend:1", f"{keys[0]}:resend:2"]


def test_a_message_still_on_its_way_cannot_be_resent(client, signed_in_agent, db, order):
    pending = add_notification(db, order, "pending", trigger="order_confirmed")

    response = client.post(f"/agent/orders/1042/notifications/{pending.id}/resend")

    assert response.status_code == 303
    page = client.get("/agent/orders/1042").get_data(as_text=True)
    assert "still on its way out" in page
    db.session.rollback()
    assert len(db.session.scalars(select(Notification)).all()) == 1
    assert audit_actions(db) == []


def test_another_shops_notification_cannot_be_resent(
    client, signed_in_agent, db, order, globex, make_order
):
    theirs = make_order(globex, order_number="#1042")
    row = add_notification(db, theirs, "sent", trigger="order_confirmed")

    assert client.post(f"/agent/orders/1042/notifications/{row.id}/resend").status_code == 404


def test_notes_are_kept_with_author_and_shown_as_text(client, signed_in_agent, db, order):
    body = "<script>alert('x')</script>\nCalled the customer: wants Friday delivery."

    response = client.post("/agent/orders/1042/notes", data={"body": body})

    assert response.status_code == 303
    html = client.get("/agent/orders/1042").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "agent@acme.test" in html and "Note added." in html
    db.session.rollback()
    note = db.session.scalar(select(AgentNote))
    assert note.body == body and note.author.email == "agent@acme.test"
    assert audit_actions(db) == ["order.note_added"]


def test_an_empty_note_is_refused_in_words(client, signed_in_agent, db, order):
    response = client.post("/agent/orders/1042/notes", data={"body": "   "})

    assert response.status_code == 422
    assert "Write something first: the note is empty." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(AgentNote)) is None


def test_revoking_the_link_kills_the_old_one_and_the_new_one_works(
    client, signed_in_agent, db, order
):
    old_token = order.active_link.token

    refused = client.post("/agent/orders/1042/link", data={})
    assert refused.status_code == 303
    assert "Tick the box to confirm" in client.get("/agent/orders/1042").get_data(as_text=True)
    assert client.get(f"/acme/orders/{old_token}").status_code == 200  # not without confirming

    response = client.post("/agent/orders/1042/link", data={"confirm": "yes"})

    assert response.status_code == 303
    page = client.get("/agent/orders/1042").get_data(as_text=True)
    assert "The old link no longer works." in page
    db.session.rollback()
    db.session.refresh(order)
    new_token = order.active_link.token
    assert new_token != old_token
    assert f"/acme/orders/{new_token}" in page and old_token not in page
    assert client.get(f"/acme/orders/{old_token}").status_code == 404
    assert client.get(f"/acme/orders/{new_token}").status_code == 200
    assert audit_actions(db) == ["tracking_link.reissued"]
    entry = db.session.scalar(select(AuditLog))
    assert entry.actor == "agent@acme.test" and entry.target_type == "order"


def test_actions_need_the_csrf_token(make_app, acme, make_order, make_user, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_order(acme, order_number="#1042")
    make_user(acme, role="agent", email="agent@acme.test")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": "agent@acme.test", "password": "correct horse battery", "csrf_token": token},
    )

    assert client.get("/agent/").status_code == 200  # signed in

    response = client.post("/agent/orders/1042/notes", data={"body": "hi"})

    assert response.status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(AgentNote)) is None
