"""SMS and WhatsApp through Twilio's REST API (the emulator), opt-in, templates and STOP."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import select

from portal.models import Notification, SmsOptOut
from portal.services.dispatch import send_due_notifications
from portal.services.sms_replies import twilio_signature

SID = "AC" + "1" * 32
TOKEN = "twilio-test-token"
FROM = "+14155550100"
WHATSAPP_FROM = "+14155550199"
PHONE = "+12125550142"  # New York: quiet hours follow America/New_York


@pytest.fixture
def app_settings(emulator):
    return {
        "SMS_BACKEND": "twilio",
        "TWILIO_BASE_URL": emulator.url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM": FROM,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
    }


@pytest.fixture
def acme(make_merchant):
    # Quiet hours off here: these tests are about the wire, whatever the time of day.
    return make_merchant("acme", "Acme", settings={"quiet_hours": False})


@pytest.fixture
def texting_order(acme, make_order):
    return make_order(acme, order_number="#1042", customer_phone=PHONE, sms_opt_in=True)


def received(emulator) -> list[dict]:
    answer = requests.get(f"{emulator.url}/_emulator/twilio/messages", timeout=5)
    return answer.json()["messages"]


def test_sms_goes_to_twilio_as_a_form_with_basic_auth(db, texting_order, queue, emulator):
    queue(texting_order, "out_for_delivery", texting_order.shipments[0])
    texting_order.shipments[0].status = "out_for_delivery"
    db.session.commit()

    stats = send_due_notifications()

    [message] = received(emulator)
    assert message["auth_user"] == SID
    assert (message["to"], message["from"]) == (PHONE, FROM)
    assert message["body"].startswith("Acme: your order #1042 is out for delivery today. Track: ")
    assert message["body"].endswith("?src=sms")
    row = db.session.scalar(select(Notification).where(Notification.channel == "sms"))
    assert stats.sent == 2  # the email and the text
    assert row.status == "sent" and row.provider_message_id == message["sid"]


def test_whatsapp_uses_the_merchants_approved_template(db, acme, texting_order, queue, emulator):
    acme.settings = {
        "quiet_hours": False,
        "channels": {"shipped": ["whatsapp"]},
        "whatsapp_templates": {"shipped": "HX" + "2" * 32},
    }
    db.session.commit()
    queue(texting_order, "shipped", texting_order.shipments[0])

    send_due_notifications()

    [message] = received(emulator)
    assert message["to"] == f"whatsapp:{PHONE}" and message["from"] == f"whatsapp:{WHATSAPP_FROM}"
    assert message["content_sid"] == "HX" + "2" * 32
    assert '"2": "1042"' in message["content_variables"]


def test_whatsapp_without_an_approved_template_is_suppressed(
    db, acme, texting_order, queue, emulator
):
    acme.settings = {"quiet_hours": False, "channels": {"shipped": ["whatsapp"]}}
    db.session.commit()
    queue(texting_order, "shipped", texting_order.shipments[0])

    stats = send_due_notifications()

    row = db.session.scalar(select(Notification))
    assert stats.suppressed == 1 and row.status == "suppressed"
    assert row.suppressed_reason == "no approved WhatsApp template for shipped"
    assert received(emulator) == []


def test_no_text_without_opt_in_and_a_withdrawn_opt_in_suppresses(
    db, acme, make_order, queue, emulator
):
    silent = make_order(acme, order_number="#1", customer_phone=PHONE, sms_opt_in=False)
    rows = queue(silent, "delivered", silent.shipments[0])
    assert [row["channel"] for row in rows] == ["email"]
    changed = make_order(acme, order_number="#2", customer_phone=PHONE, sms_opt_in=True)
    changed.shipments[0].status = "delivered"
    queue(changed, "delivered", changed.shipments[0])
    changed.sms_opt_in = False
    db.session.commit()

    send_due_notifications()

    row = db.session.scalar(select(Notification).where(Notification.channel == "sms"))
    assert row.status == "suppressed" and row.suppressed_reason == "not opted in to text messages"
    assert received(emulator) == []


def signed_post(client, form: dict[str, str]):
    url = "http://localhost/hooks/sms/twilio"
    signature = twilio_signature(TOKEN, url, list(form.items()))
    return client.post(url, data=form, headers={"X-Twilio-Signature": signature})


@pytest.mark.parametrize("word", ["STOP", " stop ", "Unsubscribe", "opt out", "OptOut", "quit"])
def test_stop_then_a_trigger_is_suppressed(db, client, texting_order, queue, emulator, word):
    answer = signed_post(client, {"From": PHONE, "To": FROM, "Body": word, "MessageSid": "SM1"})

    assert answer.status_code == 200 and answer.mimetype == "text/xml"
    assert b"<Message>You're unsubscribed" in answer.data
    texting_order.shipments[0].status = "delivered"
    queue(texting_order, "delivered", texting_order.shipments[0])
    send_due_notifications()
    row = db.session.scalar(select(Notification).where(Notification.channel == "sms"))
    assert row.status == "suppressed" and row.suppressed_reason == "opted out (replied STOP)"
    assert received(emulator) == []


@pytest.mark.parametrize(
    "body",
    [
        "STOP.",
        "Stop!",
        "unsubscribe.",
        '"STOP"',
        "ＳＴＯＰ",
        "STOP 🙏",
        "stop please",
        "Stop all",
    ],
)
def test_a_stop_with_punctuation_emoji_or_filler_opts_out_through_the_hook(db, client, body):
    answer = signed_post(client, {"From": PHONE, "To": FROM, "Body": body, "MessageSid": "SM1"})

    assert answer.status_code == 200 and b"<Message>You're unsubscribed" in answer.data
    [opt_out] = db.session.scalars(select(SmsOptOut)).all()
    assert (opt_out.phone, opt_out.sender) == (PHONE, FROM)


@pytest.mark.parametrize("body", ["Don't stop sending me updates", "when will it stop raining"])
def test_a_sentence_that_mentions_stop_changes_nothing(db, client, body):
    answer = signed_post(client, {"From": PHONE, "To": FROM, "Body": body, "MessageSid": "SM1"})

    assert answer.status_code == 200 and b"<Message>" not in answer.data
    assert db.session.scalars(select(SmsOptOut)).all() == []


def test_start_and_help_with_punctuation_work_through_the_hook(db, client):
    signed_post(client, {"From": PHONE, "To": FROM, "Body": "Stop!"})
    started = signed_post(client, {"From": PHONE, "To": FROM, "Body": "Ｓtart."})
    helped = signed_post(client, {"From": PHONE, "To": FROM, "Body": "help?"})

    assert b"subscribed again" in started.data
    assert db.session.scalars(select(SmsOptOut)).all() == []
    assert b"Reply STOP to unsubscribe" in helped.data


def test_start_after_stop_lets_texts_flow_again_and_help_names_the_shop(
    db, client, texting_order, acme
):
    signed_post(client, {"From": PHONE, "To": FROM, "Body": "stop"})
    answer = signed_post(client, {"From": PHONE, "To": FROM, "Body": "Start"})
    assert b"subscribed again" in answer.data
    assert db.session.scalars(select(SmsOptOut)).all() == []
    help_answer = signed_post(client, {"From": PHONE, "To": FROM, "Body": "HELP"})
    assert b"Reply STOP to unsubscribe" in help_answer.data


def test_a_stop_from_whatsapp_applies_to_the_whatsapp_number_only(db, client):
    form = {"From": f"whatsapp:{PHONE}", "To": f"whatsapp:{WHATSAPP_FROM}", "Body": "stop"}
    signed_post(client, form)

    [opt_out] = db.session.scalars(select(SmsOptOut)).all()
    assert (opt_out.phone, opt_out.sender) == (PHONE, f"whatsapp:{WHATSAPP_FROM}")


def test_inbound_hook_refuses_a_bad_signature_and_changes_nothing(db, client):
    answer = client.post(
        "/hooks/sms/twilio",
        data={"From": PHONE, "To": FROM, "Body": "STOP"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    unsigned = client.post("/hooks/sms/twilio", data={"From": PHONE, "To": FROM, "Body": "STOP"})

    assert answer.status_code == unsigned.status_code == 403
    assert db.session.scalars(select(SmsOptOut)).all() == []


def test_inbound_hook_uses_the_public_url_behind_a_trusted_proxy(make_app, db):
    application = make_app(TRUSTED_PROXIES="1", TWILIO_AUTH_TOKEN=TOKEN)
    form = {"From": PHONE, "To": FROM, "Body": "STOP"}
    public_url = "https://track.acme.test/hooks/sms/twilio"
    headers = {
        "X-Twilio-Signature": twilio_signature(TOKEN, public_url, list(form.items())),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "track.acme.test",
        "X-Forwarded-For": "203.0.113.9",
    }

    answer = application.test_client().post("/hooks/sms/twilio", data=form, headers=headers)

    assert answer.status_code == 200 and b"unsubscribed" in answer.data
