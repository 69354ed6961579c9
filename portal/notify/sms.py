"""SMS and WhatsApp transports: `outbox` for the dev inbox, `twilio` over Twilio's REST API."""

from __future__ import annotations

import json

import requests

from portal.notify import OutgoingMessage, PermanentFailure, SendResult, TemporaryFailure
from portal.notify.http import make_session, post

WHATSAPP_PREFIX = "whatsapp:"


def whatsapp_address(number: str) -> str:
    """A phone number in Twilio's WhatsApp form (`whatsapp:+14155550142`)."""
    return number if number.startswith(WHATSAPP_PREFIX) else WHATSAPP_PREFIX + number


class OutboxSms:
    """Sends nothing: the dispatcher stores the text and the dev inbox shows it."""

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult(provider_message_id=None)

    def close(self) -> None:
        pass


class TwilioSms:
    """POST {base}/2010-04-01/Accounts/{sid}/Messages.json with basic auth and a form body."""

    def __init__(self, base_url: str, account_sid: str, auth_token: str) -> None:
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.session = make_session()

    def form_for(self, message: OutgoingMessage) -> dict[str, str]:
        """The form fields Twilio expects; WhatsApp goes as a content template when given."""
        to, sender = message.to, message.sender or ""
        if message.channel == "whatsapp":
            to, sender = whatsapp_address(to), whatsapp_address(sender)
        form = {"To": to, "From": sender}
        if message.content_sid:
            form["ContentSid"] = message.content_sid
            form["ContentVariables"] = json.dumps(message.content_variables or {})
        else:
            form["Body"] = message.text
        return form

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send one message; raises TemporaryFailure (retry) or PermanentFailure (give up)."""
        try:
            answer = post(self.session, self.url, data=self.form_for(message), auth=self.auth)
        except requests.RequestException as error:
            raise TemporaryFailure(f"Twilio unreachable: {error.__class__.__name__}") from error
        if answer.status_code in (200, 201):
            try:
                return SendResult(provider_message_id=answer.json().get("sid"))
            except ValueError:
                return SendResult()
        text = f"Twilio {answer.status_code}: {_twilio_error(answer)}"[:500]
        if answer.status_code == 429 or answer.status_code >= 500:
            raise TemporaryFailure(text)
        raise PermanentFailure(text)

    def close(self) -> None:
        self.session.close()


def _twilio_error(answer: requests.Response) -> str:
    try:
        payload = answer.json()
    except ValueError:
        return answer.text[:200]
    return f"{payload.get('code')} {payload.get('message')}"
