"""Merchant webhooks: Standard Webhooks signatures, safe targets, secrets shown once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.models import Notification
from portal.notify.webhook import is_public_address, sign
from portal.services.dispatch import send_due_notifications
from portal.services.webhooks import WebhookUrlRejected, rotate_webhook_secret, set_webhook_url
from tests.notify.conftest import SECRET


@pytest.fixture
def app_settings():
    return {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}


# Each reaches 127.0.0.1, 10.0.0.7 or the cloud metadata address 169.254.169.254 in the end.
PRIVATE_IN_IPV6 = {
    "ipv4-compatible loopback": "::127.0.0.1",
    "ipv4-mapped private": "::ffff:10.0.0.7",
    "nat64 loopback": "64:ff9b::7f00:1",
    "nat64 metadata": "64:ff9b::a9fe:a9fe",
    "local-use nat64 /96": "64:ff9b:1::a9fe:a9fe",
    "local-use nat64 /48": "64:ff9b:1:7f00:0:100::",
    "6to4 loopback": "2002:7f00:1::",
    "6to4 metadata": "2002:a9fe:a9fe::",
    "teredo to loopback": "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "teredo to metadata": "2001:0:4136:e378:8000:63bf:5601:5601",
}

# The same forms around a public IPv4 address (93.184.216.34) stay usable.
PUBLIC_IN_IPV6 = {
    "ipv4-mapped": "::ffff:93.184.216.34",
    "ipv4-compatible": "::93.184.216.34",
    "nat64": "64:ff9b::5db8:d822",
    "6to4": "2002:5db8:d822::1",
    "plain global": "2606:4700:4700::1111",
}


def resolver_for(*addresses):
    def resolve(host, port):
        return list(addresses)

    return resolve


def test_receiver_verifies_the_signed_delivery_with_the_standard_body(
    db, make_merchant, make_order, queue, webhook_receiver
):
    acme = make_merchant("acme", "Acme", webhook_url=webhook_receiver.url, webhook_secret=SECRET)
    order = make_order(acme, order_number="#1042")
    order.shipments[0].status = "delivered"
    queue(order, "delivered", order.shipments[0])

    stats = send_due_notifications()

    assert stats.sent == 2  # email + webhook
    [delivery] = webhook_receiver.received
    assert delivery["ok"] is True
    headers = {name.lower(): value for name, value in delivery["headers"].items()}
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    body = json.loads(delivery["body"])
    assert body["type"] == "shipment.delivered"
    assert set(body) == {"type", "timestamp", "data"}
    assert body["data"]["order_number"] == "#1042"
    assert body["data"]["shipment"]["status"] == "delivered"
    row = db.session.scalar(select(Notification).where(Notification.channel == "webhook"))
    assert row.status == "sent" and row.provider_message_id == headers["webhook-id"]


def test_a_tampered_body_is_rejected_by_the_receiver(webhook_receiver):
    import requests

    body = b'{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{}}'
    import time

    timestamp = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(SECRET, "msg_1", timestamp, body),
    }
    good = requests.post(webhook_receiver.url, data=body, headers=headers, timeout=5)
    tampered = requests.post(
        webhook_receiver.url, data=body.replace(b"{}", b'{"x":1}'), headers=headers, timeout=5
    )

    assert (good.status_code, tampered.status_code) == (204, 401)


def test_a_receiver_error_is_retried_with_the_same_webhook_id(
    db, make_merchant, make_order, queue, webhook_receiver
):
    acme = make_merchant(
        "acme", "Acme", webhook_url=webhook_receiver.url, webhook_secret="whsec_" + "QUJD" * 8
    )
    acme.settings = {"channels": {"shipped": ["webhook"]}}
    db.session.commit()
    order = make_order(acme)
    queue(order, "shipped", order.shipments[0])

    stats = send_due_notifications()

    row = db.session.scalar(select(Notification))
    assert stats.retried == 1 and row.status == "pending" and "401" in row.error


def test_order_created_webhook_is_queued_with_the_api_order(
    db, make_merchant, make_api_key, client, webhook_receiver
):
    acme = make_merchant("acme", "Acme", webhook_url=webhook_receiver.url, webhook_secret=SECRET)
    key = make_api_key(acme)
    answer = client.post(
        "/api/v1/orders",
        json={"order_number": "A-1", "customer": {"email": "maya@example.com"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201

    send_due_notifications()

    [delivery] = webhook_receiver.received
    assert json.loads(delivery["body"])["type"] == "order.created" and delivery["ok"]


@pytest.mark.parametrize(
    "address", ["10.0.0.7", "127.0.0.1", "169.254.169.254", "::1", "fd00::1", "100.64.1.1"]
)
def test_private_targets_are_refused_at_registration(make_app, db, make_merchant, address):
    strict = make_app(WEBHOOK_ALLOW_PRIVATE_TARGETS="false")
    with strict.app_context():
        acme = make_merchant("acme", "Acme")
        with pytest.raises(WebhookUrlRejected, match="private or local"):
            set_webhook_url(
                acme, "https://hooks.acme.test/in", resolver_for("93.184.216.34", address)
            )
        assert acme.webhook_url is None


def test_a_public_https_target_is_accepted_and_gets_a_secret(make_app, db, make_merchant):
    strict = make_app(WEBHOOK_ALLOW_PRIVATE_TARGETS="false")
    with strict.app_context():
        acme = make_merchant("acme", "Acme")
        set_webhook_url(acme, "https://hooks.acme.test/in", resolver_for("93.184.216.34"))
        assert acme.webhook_url == "https://hooks.acme.test/in"
        assert acme.webhook_secret.startswith("whsec_")
        with pytest.raises(WebhookUrlRejected, match="https"):
            set_webhook_url(acme, "http://hooks.acme.test/in", resolver_for("93.184.216.34"))


def test_rotating_the_secret_replaces_it(db, make_merchant):
    acme = make_merchant("acme", "Acme")
    first = rotate_webhook_secret(acme)
    second = rotate_webhook_secret(acme)
    assert first != second and acme.webhook_secret == second and len(second) == 50


@pytest.mark.parametrize("address", PRIVATE_IN_IPV6.values(), ids=PRIVATE_IN_IPV6.keys())
def test_ipv6_that_leads_to_a_private_ipv4_is_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", PUBLIC_IN_IPV6.values(), ids=PUBLIC_IN_IPV6.keys())
def test_ipv6_that_leads_to_a_public_ipv4_stays_public(address):
    assert is_public_address(address) is True


@pytest.mark.parametrize(
    "url, resolved",
    [
        ("https://hooks.acme.test/in", "10.1.2.3"),
        # Stored before the check knew these forms; the real resolver reads the literal.
        *((f"https://[{address}]/in", None) for address in PRIVATE_IN_IPV6.values()),
    ],
    ids=["name that turned private", *PRIVATE_IN_IPV6.keys()],
)
def test_a_private_target_is_refused_at_send_time(
    make_app, db, make_merchant, make_order, queue, url, resolved
):
    resolver = {"WEBHOOK_RESOLVER": resolver_for(resolved)} if resolved else {}
    strict = make_app(WEBHOOK_ALLOW_PRIVATE_TARGETS="false", **resolver)
    with strict.app_context():
        acme = make_merchant("acme", "Acme", webhook_url=url, webhook_secret=SECRET)
        acme.settings = {"channels": {"shipped": ["webhook"]}}
        order = make_order(acme)
        queue(order, "shipped", order.shipments[0])

        stats = send_due_notifications()

        row = db.session.scalar(select(Notification))
        assert stats.failed == 1 and row.status == "failed"
        assert "private or local" in row.error
