"""Account emails (password reset, team invitations) through the configured email transport."""

from __future__ import annotations

import logging
from collections import deque

from flask import current_app

from portal.extensions import db
from portal.models import User
from portal.notify import DeliveryError, OutgoingMessage
from portal.notify.email import OutboxEmail, SmtpEmail
from portal.services.sessions import make_reset_token

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


def queue_password_reset(user_id: int | None) -> None:
    """Have a worker email a reset link to the user (None: an unknown email, nothing to send).

    Queued for a known and an unknown email alike, so the request does the same work and
    takes the same time for both. Best effort: when the queue is unreachable the visitor
    still gets the usual answer and can ask again.
    """
    from portal.jobs import enqueue

    try:
        enqueue("send_password_reset", user_id)
    except Exception:  # noqa: BLE001  (Redis or the queue file unavailable)
        log.error("could not queue a password reset email", exc_info=True)


def send_password_reset(user_id: int | None) -> bool:
    """The queued half of "forgot password": email the user a link (valid once, for an
    hour) to choose a new password. Returns whether an email went out."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        return False
    link = f"{current_app.config['PUBLIC_BASE_URL']}/password/reset/{make_reset_token(user)}"
    return send_account_email(
        user.email,
        "Choose a new Porchlight password",
        f"Someone asked to reset the password of {user.email} on Porchlight.\n\n"
        f"Choose a new one here (the link works once, for an hour):\n{link}\n\n"
        "If it wasn't you, ignore this email: your password stays the same.",
    )
