"""Notification settings: channels, timing, sender, webhook secret, texts with live preview."""

from __future__ import annotations

import re

import pytest

from portal.models import AuditLog, Merchant
from portal.services import account_mail
from portal.services.delays import DelaySettings
from portal.services.outbox import channels_for

SETTINGS = {
    "quiet_enabled": "y",
    "quiet_start": "22:00",
    "quiet_end": "07:30",
    "feedback_request_days": "5",
    "stale_hours": "48",
    "label_limbo_hours": "24",
    "sender_name": "Acme Team",
    "reply_to": "help@acme.test",
    "webhook_url": "",
    "channels-delayed": ["email", "webhook"],
    "channels-shipped": ["sms"],
}


def test_settings_are_saved_where_the_services_read_them(owner_client, acme, db):
    response = owner_client.post("/merchant/notifications", data=SETTINGS)

    assert response.status_code == 303
    merchant = db.session.get(Merchant, acme.id)
    assert channels_for(merchant, "delayed") == ("email", "webhook")
    assert channels_for(merchant, "shipped") == ("sms",)
    assert channels_for(merchant, "delivered") == ()
    assert DelaySettings.from_merchant(merchant.settings) == DelaySettings(48.0, 24.0)
    assert merchant.settings["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert merchant.settings["feedback_request_days"] == 5
    assert db.session.query(AuditLog).filter_by(action="notifications.updated").count() == 1


def test_bad_values_change_nothing(owner_client, acme, db):
    response = owner_client.post(
        "/merchant/notifications", data={**SETTINGS, "quiet_start": "25:00", "stale_hours": "0"}
    )

    assert response.status_code == 422
    assert "Use a time like 21:00." in response.get_data(as_text=True)
    assert db.session.get(Merchant, acme.id).settings in ({}, None)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:ff9b::a9fe:a9fe]",
        "[2002:7f00:1::]",
        "[2002:a9fe:a9fe::]",
        "[64:ff9b:1::a9fe:a9fe]",
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
    ],
)
def test_a_private_webhook_target_is_refused(owner_client, acme, db, host):
    response = owner_client.post(
        "/merchant/notifications", data={**SETTINGS, "webhook_url": f"https://{host}/hook"}
    )

    assert response.status_code == 422
    assert "private or local address" in response.get_data(as_text=True)
    assert db.session.get(Merchant, acme.id).webhook_url is None


def test_webhook_secret_is_shown_once(owner_client, acme, db):
    response = owner_client.post("/merchant/notifications/webhook-secret")

    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", response.get_data(as_text=True)).group(0)
    assert db.session.get(Merchant, acme.id).webhook_secret == secret
    assert secret not in owner_client.get("/merchant/notifications").get_data(as_text=True)


def test_template_preview_save_and_send_me_a_test(owner_client, acme, db):
    draft = {
        "trigger": "shipped",
        "channel": "email",
        "subject": "On its way, {{ customer.first_name }}!",
        "body": "Order {{ order.number }} left {{ merchant.name }}.",
    }

    preview = owner_client.post("/merchant/notifications/templates/preview", data=draft)
    assert "On its way, Maya!" in preview.get_data(as_text=True)
    assert db.session.get(Merchant, acme.id).settings in ({}, None)

    tested = owner_client.post("/merchant/notifications/templates/test", data=draft)
    assert "Test sent to owner@acme.test" in tested.get_data(as_text=True)
    assert account_mail.OUTBOX[-1].subject == "[Test] On its way, Maya!"
    assert "Order 1042 left Acme Outdoor." in account_mail.OUTBOX[-1].text

    assert owner_client.post("/merchant/notifications/templates", data=draft).status_code == 303
    stored = db.session.get(Merchant, acme.id).settings["templates"]["shipped"]["email"]
    assert stored["subject"] == draft["subject"]


def test_a_template_that_does_not_render_is_not_saved(owner_client, acme, db):
    draft = {"trigger": "shipped", "channel": "sms", "body": "{{ order.number.__class__ }}"}

    response = owner_client.post("/merchant/notifications/templates", data=draft)

    assert response.status_code == 422
    assert "doesn&#39;t render" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            "{% set a = 'x' * 2000 %}" + "{% set a = a ~ a %}" * 17 + "{{ a|length }}",
            "longer than 20,000 characters",
        ),
        ("{{ '{:>1000000000}'.format('x') }}", "widths and counts above 1,000"),
        ("{{ 'x'|center(1000000000) }}", "widths and counts above 1,000"),
    ],
    ids=["262 MB built, short output", "format width", "center"],
)
def test_a_template_over_the_limits_is_refused_at_save(owner_client, acme, db, body, reason):
    draft = {"trigger": "shipped", "channel": "sms", "body": body}

    response = owner_client.post("/merchant/notifications/templates", data=draft)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This template doesn&#39;t render: TemplateLimitError: " in page
    assert reason in page
    assert db.session.get(Merchant, acme.id).settings in ({}, None)


def test_email_preview_frame_has_its_own_policy(owner_client):
    page = owner_client.get("/merchant/notifications/templates?trigger=delivered&channel=email")
    frame_url = re.search(r'<iframe class="email-frame" src="([^"]+)"', page.get_data(as_text=True))

    frame = owner_client.get(frame_url.group(1).replace("&amp;", "&"))

    assert frame.status_code == 200
    assert "sandbox" in frame.headers["Content-Security-Policy"]
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
