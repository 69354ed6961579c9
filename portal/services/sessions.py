"""Console sessions: idle and absolute timeouts, and signed single-use password-reset links."""

from __future__ import annotations

import hashlib
import time
from collections.abc import MutableMapping
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.extensions import db
from portal.models import User
from portal.services.merchants import end_user_sessions, password_hasher

AUTH_AT = "auth_at"
SEEN_AT = "seen_at"
RESET_SALT = "porchlight-password-reset"
RESET_MAX_AGE = 60 * 60  # an hour
MIN_PASSWORD_LENGTH = 10


def start_session(session: MutableMapping[str, Any]) -> None:
    """Stamp a freshly signed-in session with its start and last-seen times."""
    now = int(time.time())
    session[AUTH_AT] = now
    session[SEEN_AT] = now


def session_expiry(session: MutableMapping[str, Any]) -> str | None:
    """'idle' or 'absolute' when the signed-in session is too old, else None (and touch it)."""
    now = time.time()
    config = current_app.config
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if not isinstance(auth_at, int | float) or not isinstance(seen_at, int | float):
        return "absolute"
    if now - auth_at > config["SESSION_MAX_HOURS"] * 3600:
        return "absolute"
    if now - seen_at > config["SESSION_IDLE_MINUTES"] * 60:
        return "idle"
    if now - seen_at >= 15:  # rewriting the cookie on every request buys nothing
        session[SEEN_AT] = int(now)
    return None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    # Changing the password changes the hash, so a used link stops matching: single use.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def make_reset_token(user: User) -> str:
    """A signed token for a password-reset link, valid for an hour and only once."""
    return _serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a live reset token belongs to; None when it is forged, expired or used."""
    try:
        payload = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or payload.get("p") != _password_fingerprint(user):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Store a new Argon2id hash and end every session the user holds; flushes."""
    user.password_hash = password_hasher.hash(password)
    end_user_sessions(user)
    db.session.flush()
