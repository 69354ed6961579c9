"""Per-account sign-in throttle: clients that failed on an account wait longer after each failure.

Wrong passwords are counted per account (the normalised email, whether or not it has an
account) and per client (a known device, else the address), in the database so that every
web worker and host sees the same counts. Past FREE_FAILURES on an account, a client that has
itself failed on it must wait before its next attempt, and the wait doubles with each further
failure on the account, from any client. A client that has not failed on the account is
never refused: a stranger can slow guessing down but cannot lock the owner out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import LoginFailure
from portal.services.merchants import normalise_email

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)  # a client's failures older than this no longer count
DEVICE_COOKIE = "porchlight_device"
DEVICE_MAX_AGE = timedelta(days=180)
DEVICE_SALT = "porchlight-known-device"


@dataclass(frozen=True)
class SignInAttempt:
    """Who is trying: the account's and the client's keyed hashes, and the device if known."""

    account: str
    client: str
    device: str | None


def _keyed(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _known_device(cookie: str | None, account: str) -> str | None:
    """The device id in a valid cookie this browser got on signing in to `account`."""
    if not cookie:
        return None
    try:
        payload = _devices().loads(cookie, max_age=int(DEVICE_MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("a") != account[:32]:
        return None
    device = payload.get("d")
    return device if isinstance(device, str) else None


def sign_in_attempt(email: str, address: str, device_cookie: str | None) -> SignInAttempt:
    """Identify an attempt: the account by its email, the client by a known-device cookie
    for that account, else by its address."""
    account = _keyed("account:" + normalise_email(email))
    device = _known_device(device_cookie, account)
    client = _keyed(f"device:{device}" if device else f"address:{address}")
    return SignInAttempt(account, client, device)


def device_cookie_for(attempt: SignInAttempt) -> str:
    """The signed cookie that makes this browser a known device of the account it just
    signed in to (its id kept when it already was one)."""
    device = attempt.device or secrets.token_urlsafe(16)
    return _devices().dumps({"d": device, "a": attempt.account[:32]})


def _wait_after(failures_on_account: int) -> timedelta:
    doublings = min(failures_on_account - FREE_FAILURES, 20)
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


def seconds_to_wait(attempt: SignInAttempt, now: datetime) -> int:
    """Seconds before this client may try this account again; 0 when it may now."""
    cutoff = now - FORGET_AFTER
    live = (LoginFailure.account == attempt.account, LoginFailure.last_failed_at > cutoff)
    on_account = db.session.scalar(select(func.sum(LoginFailure.failures)).where(*live)) or 0
    if on_account < FREE_FAILURES:
        return 0
    last_failed_at = db.session.scalar(
        select(LoginFailure.last_failed_at).where(*live, LoginFailure.client == attempt.client)
    )
    if last_failed_at is None:
        return 0  # this client has not failed here: the owner is never locked out
    remaining = (last_failed_at + _wait_after(on_account) - now).total_seconds()
    return max(0, math.ceil(remaining))


def record_failure(attempt: SignInAttempt, now: datetime) -> None:
    """Count one wrong password for the client on the account (restarting a count older
    than FORGET_AFTER), and drop every expired count. The caller commits."""
    table = LoginFailure.__table__
    cutoff = now - FORGET_AFTER
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    statement = (postgresql_insert if postgresql else sqlite_insert)(table).values(
        account=attempt.account, client=attempt.client, failures=1, last_failed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.account, table.c.client],
        set_={
            "failures": case((table.c.last_failed_at > cutoff, table.c.failures + 1), else_=1),
            "last_failed_at": now,
        },
    )
    db.session.execute(statement)
    db.session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at <= cutoff))


def forget_client(attempt: SignInAttempt) -> None:
    """After a successful sign-in the client's own earlier typos stop counting against it."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.account == attempt.account, LoginFailure.client == attempt.client
        )
    )
