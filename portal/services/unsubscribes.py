"""Signed one-click unsubscribe links (/u/<signed>) and the suppressions they record."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from portal.extensions import db
from portal.models import Merchant, Unsubscribe
from portal.services.links import base_url_for

SALT = "porchlight.unsubscribe.v1"


@dataclass(frozen=True)
class UnsubscribeScope:
    """Whom a link unsubscribes: one recipient, from one merchant, on one channel."""

    merchant_id: int
    channel: str
    recipient: str


def normalise_recipient(channel: str, recipient: str) -> str:
    """Emails compare case-insensitively; phone numbers as stored (E.164)."""
    return recipient.strip().lower() if channel == "email" else recipient.strip()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(merchant_id: int, channel: str, recipient: str) -> str:
    """The signed token for a scope; stable, so every email to a person carries the same link."""
    return _serializer().dumps([merchant_id, channel, normalise_recipient(channel, recipient)])


def unsubscribe_url(merchant: Merchant, channel: str, recipient: str) -> str:
    """The absolute /u/<signed> URL on the merchant's host."""
    return f"{base_url_for(merchant)}/u/{unsubscribe_token(merchant.id, channel, recipient)}"


def read_unsubscribe_token(token: str) -> UnsubscribeScope | None:
    """The scope a token signs, or None when it is forged, altered or malformed."""
    try:
        merchant_id, channel, recipient = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(merchant_id, int) or not isinstance(recipient, str):
        return None
    return UnsubscribeScope(merchant_id, str(channel), recipient)


def is_unsubscribed(merchant_id: int, channel: str, recipient: str) -> bool:
    """True when this recipient unsubscribed from this merchant's messages on this channel."""
    return (
        db.session.scalar(
            select(Unsubscribe.id).where(
                Unsubscribe.merchant_id == merchant_id,
                Unsubscribe.channel == channel,
                Unsubscribe.recipient == normalise_recipient(channel, recipient),
            )
        )
        is not None
    )


def record_unsubscribe(scope: UnsubscribeScope) -> Unsubscribe:
    """Record the unsubscribe (idempotent: a second click finds the first). Flushes."""
    existing = db.session.scalar(
        select(Unsubscribe).where(
            Unsubscribe.merchant_id == scope.merchant_id,
            Unsubscribe.channel == scope.channel,
            Unsubscribe.recipient == scope.recipient,
        )
    )
    if existing:
        return existing
    row = Unsubscribe(
        merchant_id=scope.merchant_id, channel=scope.channel, recipient=scope.recipient
    )
    db.session.add(row)
    db.session.flush()
    return row
