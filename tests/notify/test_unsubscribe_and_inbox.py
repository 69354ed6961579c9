"""One-click unsubscribe links, and the developer inbox that only loopback can see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Unsubscribe
from portal.services.dispatch import send_due_notifications
from portal.services.unsubscribes import unsubscribe_token


@pytest.fixture
def acme(make_merchant):
    return make_merchant("acme", "Acme Outdoor", support_email="help@acme.test")


def test_unsubscribe_get_shows_a_branded_confirmation_and_changes_nothing(db, client, acme):
    token = unsubscribe_token(acme.id, "email", "Maya@Example.com")

    answer = client.get(f"/u/{token}")

    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Unsubscribe from order emails?" in page and "Acme Outdoor" in page
    assert "ma••@example.com" in page
    assert db.session.scalars(select(Unsubscribe)).all() == []


def test_one_click_post_unsubscribes_without_a_csrf_token(make_app, db, acme):
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = unsubscribe_token(acme.id, "email", "maya@example.com")

    answer = strict.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    again = strict.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})

    assert answer.status_code == again.status_code == 200
    assert "You're unsubscribed" in answer.get_data(as_text=True)
    [row] = db.session.scalars(select(Unsubscribe)).all()
    assert (row.merchant_id, row.channel, row.recipient) == (acme.id, "email", "maya@example.com")


def test_an_altered_link_is_404(client, acme):
    token = unsubscribe_token(acme.id, "email", "maya@example.com")
    assert client.get(f"/u/{token[:-2]}xx").status_code == 404
    assert client.post("/u/not-a-token").status_code == 404


def test_the_link_in_a_sent_email_unsubscribes_from_that_merchant(
    db, client, acme, make_order, queue
):
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])
    send_due_notifications()
    from portal.models import Notification

    row = db.session.scalar(select(Notification))
    link = next(line for line in row.body_text.splitlines() if "/u/" in line).split(": ", 1)[1]

    answer = client.post(link.removeprefix("http://porchlight.test"))

    assert answer.status_code == 200
    assert db.session.scalar(select(Unsubscribe.recipient)) == "maya@example.com"


def test_dev_inbox_shows_emails_in_a_sandboxed_frame_and_texts(db, client, acme, make_order, queue):
    order = make_order(acme, customer_phone="+14155550142", sms_opt_in=True)
    order.shipments[0].status = "delivered"
    acme.settings = {"quiet_hours": False}
    db.session.commit()
    queue(order, "delivered", order.shipments[0])
    send_due_notifications()

    page = client.get("/dev/inbox")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<iframe" in html and " sandbox " in html
    assert "Your order #1001 has been delivered" in html
    assert "Acme Outdoor: your order #1001 has been delivered." in html
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    from portal.models import Notification

    email = db.session.scalar(select(Notification).where(Notification.channel == "email"))
    frame = client.get(f"/dev/inbox/{email.id}.html")
    policy = frame.headers["Content-Security-Policy"]
    assert frame.status_code == 200 and "Track your order" in frame.get_data(as_text=True)
    assert "script-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "sandbox" in policy and frame.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_dev_inbox_is_404_for_other_machines_and_in_production(make_app, db, client):
    assert client.get("/dev/inbox", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    assert client.get("/dev/inbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    production = make_app(DEV_ROUTES_ENABLED=False).test_client()
    assert production.get("/dev/inbox").status_code == 404
    assert production.get("/dev/inbox/1.html").status_code == 404


@pytest.mark.parametrize(
    ("peer", "forwarded_for"),
    [("203.0.113.9", "127.0.0.1"), ("127.0.0.1", "203.0.113.9"), ("127.0.0.1", "127.0.0.1")],
)
def test_dev_inbox_trusts_the_socket_peer_not_a_forwarded_address(
    make_app, db, peer, forwarded_for
):
    """Behind a trusted proxy the forwarded address is the client's word, not the machine's:
    a remote visitor claiming 127.0.0.1, and one relayed by a proxy on this machine, see 404."""
    client = make_app(TRUSTED_PROXIES="1").test_client()
    headers = {"X-Forwarded-For": forwarded_for}

    response = client.get("/dev/inbox", headers=headers, environ_base={"REMOTE_ADDR": peer})

    assert response.status_code == 404
    assert client.get("/dev/inbox", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
