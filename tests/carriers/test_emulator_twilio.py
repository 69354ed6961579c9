"""The emulator's Twilio Messages endpoint: basic auth, form body, stored for tests."""

from __future__ import annotations

import requests

SID = "AC" + "0" * 32


def messages(emulator) -> list[dict]:
    return requests.get(f"{emulator.url}/_emulator/twilio/messages", timeout=5).json()["messages"]


def send(emulator, data, auth=(SID, "demo-token"), sid=SID):
    return requests.post(
        f"{emulator.url}/2010-04-01/Accounts/{sid}/Messages.json", data=data, auth=auth, timeout=5
    )


def test_sms_is_accepted_in_twilio_shape_and_stored(emulator):
    answer = send(emulator, {"To": "+14155550142", "From": "+14155550100", "Body": "Out today!"})

    assert answer.status_code == 201
    message = answer.json()
    assert message["sid"].startswith("SM") and len(message["sid"]) == 34
    assert (message["to"], message["from"], message["body"]) == (
        "+14155550142",
        "+14155550100",
        "Out today!",
    )
    assert message["status"] == "queued" and message["account_sid"] == SID
    assert message["uri"] == f"/2010-04-01/Accounts/{SID}/Messages/{message['sid']}.json"
    [stored] = messages(emulator)
    assert stored["sid"] == message["sid"] and stored["auth_user"] == SID


def test_whatsapp_template_by_content_sid(emulator):
    answer = send(
        emulator,
        {
            "To": "whatsapp:+14155550142",
            "From": "whatsapp:+14155550100",
            "ContentSid": "HX" + "1" * 32,
            "ContentVariables": '{"1": "#1042"}',
        },
    )

    assert answer.status_code == 201
    [stored] = messages(emulator)
    assert stored["content_sid"] == "HX" + "1" * 32
    assert stored["content_variables"] == '{"1": "#1042"}'
    assert stored["to"] == "whatsapp:+14155550142"


def test_wrong_credentials_get_twilio_error_20003(emulator):
    wrong_sid = send(emulator, {"To": "+1", "From": "+2", "Body": "x"}, auth=("ACother", "t"))
    no_token = send(emulator, {"To": "+1", "From": "+2", "Body": "x"}, auth=(SID, ""))

    assert wrong_sid.status_code == no_token.status_code == 401
    assert wrong_sid.json()["code"] == 20003
    assert messages(emulator) == []


def test_missing_fields_get_twilio_errors(emulator):
    assert send(emulator, {"From": "+2", "Body": "x"}).json()["code"] == 21604
    assert send(emulator, {"To": "+1", "Body": "x"}).json()["code"] == 21603
    assert send(emulator, {"To": "+1", "From": "+2"}).json()["code"] == 21602
