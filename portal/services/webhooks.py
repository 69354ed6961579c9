"""A merchant's webhook endpoint: its URL (checked for safe targets) and its whsec_ secret."""

from __future__ import annotations

import base64
import secrets

from flask import current_app

from portal.extensions import db
from portal.models import Merchant
from portal.notify.webhook import SECRET_PREFIX, Resolver, UnsafeWebhookTarget, check_target

MAX_URL_LENGTH = 500


class WebhookUrlRejected(ValueError):
    """The URL can't be used for webhooks; the message says why in plain words."""


def rotate_webhook_secret(merchant: Merchant) -> str:
    """Create or replace the merchant's signing secret; returns it (show it once). Flushes.

    A `whsec_` prefix and 32 random bytes in base64, as Standard Webhooks libraries expect.
    """
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    merchant.webhook_secret = secret
    db.session.flush()
    return secret


def set_webhook_url(merchant: Merchant, url: str | None, resolver: Resolver | None = None) -> None:
    """Set (or with None/"" remove) the webhook URL after checking it is a safe target.

    Raises WebhookUrlRejected for a non-https URL or a host that resolves to a private,
    loopback or link-local address (unless WEBHOOK_ALLOW_PRIVATE_TARGETS). Creates the
    signing secret on first use. Flushes.
    """
    url = (url or "").strip()
    if not url:
        merchant.webhook_url = None
        db.session.flush()
        return
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlRejected(f"the webhook URL must be at most {MAX_URL_LENGTH} characters")
    config = current_app.config
    try:
        check_target(
            url,
            config["WEBHOOK_ALLOW_PRIVATE_TARGETS"],
            resolver or config.get("WEBHOOK_RESOLVER"),
        )
    except UnsafeWebhookTarget as error:
        raise WebhookUrlRejected(str(error)) from None
    merchant.webhook_url = url
    if not merchant.webhook_secret:
        rotate_webhook_secret(merchant)
    db.session.flush()
