"""API keys: `pl_live_…`, shown once, stored as a SHA-256 hash with a visible prefix."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import ApiKey, Merchant

KEY_PREFIX = "pl_live_"
VISIBLE_CHARS = len(KEY_PREFIX) + 6


def hash_key(raw_key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_api_key(merchant: Merchant, name: str = "API key") -> tuple[ApiKey, str]:
    """Create a key; returns the row and the raw key, which is never stored."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        merchant=merchant,
        name=name.strip() or "API key",
        prefix=raw_key[:VISIBLE_CHARS],
        key_hash=hash_key(raw_key),
    )
    db.session.add(api_key)
    db.session.flush()
    return api_key, raw_key


LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate_api_key(raw_key: str) -> ApiKey | None:
    """Return the live (not revoked) key matching `raw_key`, or None."""
    if not raw_key.startswith(KEY_PREFIX):
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(raw_key)))
    if api_key is None or api_key.revoked_at is not None:
        return None
    return api_key


def needs_touch(api_key: ApiKey, now: datetime) -> bool:
    """Whether last_used_at is stale: writing on every request would serialise API traffic."""
    return api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION


def touch_api_key(api_key_id: int, now: datetime) -> None:
    """Record the key's use; flushes, the caller commits."""
    db.session.execute(update(ApiKey).where(ApiKey.id == api_key_id).values(last_used_at=now))
