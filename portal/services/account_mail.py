"""Account emails (password reset, team invitations) through the configured email transport."""

from __future__ import annotations

import logging
from collections import deque

from flask import current_app

from portal.notify import DeliveryError, OutgoingMessage
from portal.notify.email import OutboxEmail, SmtpEmail

log = logging.getLogger(__name__)
# With MAIL_BACKEND=outbox nothing leaves the machine: the newest account emails stay here
# (and in the log) so that a developer, or a test, can follow the link.
OUTBOX: deque[OutgoingMessage] = deque(maxlen=50)
DEFAULT_SENDER = "Porchlight <no-reply@porchlight.invalid>"


def _transport():
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpEmail(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["SMTP_USERNAME"],
            config["SMTP_PASSWORD"],
            config["SMTP_STARTTLS"],
        )
    return OutboxEmail()


def deliver_email(message: OutgoingMessage) -> str | None:
    """Send one email through the configured transport; returns the error in words, or None."""
    transport = _transport()
    try:
        transport.send(message)
    except DeliveryError as error:
        log.warning("account email to %s failed: %s", message.to, error)
        return str(error)
    finally:
        transport.close()
    if isinstance(transport, OutboxEmail):
        OUTBOX.append(message)
        log.info("account email (outbox) to %s: %s\n%s", message.to, message.subject, message.text)
    return None


def default_sender() -> str:
    return current_app.config["MAIL_FROM"] or DEFAULT_SENDER


def send_account_email(to: str, subject: str, text: str) -> bool:
    """Send a plain-text account email; returns False (and logs) when the transport failed."""
    message = OutgoingMessage(
        channel="email", to=to, sender=default_sender(), subject=subject, text=text
    )
    return deliver_email(message) is None
