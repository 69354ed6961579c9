"""The merchant's notification settings: channels per trigger, timing, sender, webhook, texts."""

from __future__ import annotations

import base64
import copy
import secrets
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from portal.extensions import db
from portal.models import Merchant
from portal.notify.webhook import SECRET_PREFIX
from portal.services.delays import DelaySettings
from portal.services.followups import feedback_days
from portal.services.outbox import CHANNELS, TRIGGERS, channels_for

DEFAULT_QUIET = {"start": "21:00", "end": "08:00"}


def current_settings(merchant: Merchant) -> dict[str, Any]:
    """Today's effective values, defaults filled in, for the settings form."""
    settings = merchant.settings or {}
    quiet = settings.get("quiet_hours", DEFAULT_QUIET)
    delays = DelaySettings.from_merchant(settings)
    return {
        "channels": {trigger: list(channels_for(merchant, trigger)) for trigger in TRIGGERS},
        "quiet_enabled": quiet not in (False, None),
        "quiet_start": (quiet or {}).get("start", DEFAULT_QUIET["start"])
        if isinstance(quiet, dict)
        else DEFAULT_QUIET["start"],
        "quiet_end": (quiet or {}).get("end", DEFAULT_QUIET["end"])
        if isinstance(quiet, dict)
        else DEFAULT_QUIET["end"],
        "feedback_request_days": feedback_days(settings),
        "stale_hours": delays.stale_hours,
        "label_limbo_hours": delays.label_limbo_hours,
        "sender_name": settings.get("sender_name") or merchant.name,
        "reply_to": settings.get("reply_to") or merchant.support_email or "",
        "webhook_url": merchant.webhook_url or "",
    }


def _store(merchant: Merchant, settings: dict[str, Any]) -> None:
    merchant.settings = settings
    flag_modified(merchant, "settings")
    db.session.flush()


def save_notification_settings(merchant: Merchant, values: dict[str, Any]) -> dict[str, Any]:
    """Store validated values; returns {name: [old, new]} of what changed; flushes."""
    before = current_settings(merchant)
    settings = copy.deepcopy(merchant.settings or {})
    settings["channels"] = {
        trigger: [c for c in CHANNELS if c in values["channels"].get(trigger, [])]
        for trigger in TRIGGERS
    }
    settings["quiet_hours"] = (
        {"start": values["quiet_start"], "end": values["quiet_end"]}
        if values["quiet_enabled"]
        else False
    )
    settings["feedback_request_days"] = int(values["feedback_request_days"])
    settings["delays"] = {
        "stale_hours": float(values["stale_hours"]),
        "label_limbo_hours": float(values["label_limbo_hours"]),
    }
    settings["sender_name"] = values["sender_name"] or None
    settings["reply_to"] = values["reply_to"] or None
    merchant.webhook_url = values["webhook_url"] or None
    _store(merchant, settings)
    after = current_settings(merchant)
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


def generate_webhook_secret(merchant: Merchant) -> str:
    """A new `whsec_…` signing secret (32 random bytes); the old one stops working. Flushes."""
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    merchant.webhook_secret = secret
    db.session.flush()
    return secret


def template_for(merchant: Merchant, trigger: str, channel: str) -> dict[str, str]:
    templates = (merchant.settings or {}).get("templates") or {}
    custom = (templates.get(trigger) or {}).get(channel) or {}
    return {"subject": custom.get("subject") or "", "body": custom.get("body") or ""}


def with_template(settings: dict | None, trigger: str, channel: str, subject: str, body: str):
    """A copy of `settings` holding this template (an empty one removes it: default text)."""
    settings = copy.deepcopy(settings or {})
    templates = settings.setdefault("templates", {})
    per_trigger = templates.setdefault(trigger, {})
    if subject.strip() or body.strip():
        per_trigger[channel] = {"subject": subject.strip(), "body": body.strip()}
    else:
        per_trigger.pop(channel, None)
    return settings


def save_template(merchant: Merchant, trigger: str, channel: str, subject: str, body: str):
    _store(merchant, with_template(merchant.settings, trigger, channel, subject, body))
