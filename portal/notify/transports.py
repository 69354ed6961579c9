"""The transports one sweep uses, built from the app's configuration and closed after it."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from portal.notify.email import OutboxEmail, SmtpEmail
from portal.notify.sms import OutboxSms, TwilioSms
from portal.notify.webhook import WebhookSender


class Transports:
    """Email, SMS/WhatsApp and webhook senders behind one lookup by channel."""

    def __init__(self, email, sms, webhook: WebhookSender) -> None:
        self.email, self.sms, self.webhook = email, sms, webhook

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Transports:
        """MAIL_BACKEND / SMS_BACKEND pick the senders; WEBHOOK_RESOLVER may replace DNS."""
        if config["MAIL_BACKEND"] == "smtp":
            email = SmtpEmail(
                config["SMTP_HOST"],
                config["SMTP_PORT"],
                config.get("SMTP_USERNAME"),
                config.get("SMTP_PASSWORD"),
                config["SMTP_STARTTLS"],
            )
        else:
            email = OutboxEmail()
        if config["SMS_BACKEND"] == "twilio":
            sms = TwilioSms(
                config["TWILIO_BASE_URL"], config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"]
            )
        else:
            sms = OutboxSms()
        webhook = WebhookSender(
            config["WEBHOOK_ALLOW_PRIVATE_TARGETS"], config.get("WEBHOOK_RESOLVER")
        )
        return cls(email, sms, webhook)

    def for_channel(self, channel: str):
        """The sender of a shopper channel: email, or SMS for both SMS and WhatsApp."""
        return self.email if channel == "email" else self.sms

    def close(self) -> None:
        """Close every connection and session; never raises."""
        for transport in (self.email, self.sms, self.webhook):
            with contextlib.suppress(Exception):  # closing is best effort
                transport.close()
