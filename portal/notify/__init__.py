"""Transports: email (outbox, smtp), SMS and WhatsApp (outbox, twilio), merchant webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field


class DeliveryError(Exception):
    """A send did not go through; `permanent` says whether retrying can ever help."""

    permanent = False


class TemporaryFailure(DeliveryError):
    """The other side is down, slow or busy: retry later with backoff."""


class PermanentFailure(DeliveryError):
    """The other side refused the message for good (bad address, bad credentials, 4xx)."""

    permanent = True


@dataclass
class OutgoingMessage:
    """One message ready for a transport: addresses resolved, content rendered."""

    channel: str
    to: str
    sender: str | None = None
    subject: str | None = None
    text: str = ""
    html: str | None = None
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_sid: str | None = None
    content_variables: dict[str, str] | None = None
    message_id: str | None = None


@dataclass
class SendResult:
    """What the transport learnt: the provider's id for the message, when it gives one."""

    provider_message_id: str | None = None
