"""Carrier quotas shared by every worker: requests per day in the database, per second in Redis
(or the database when there is no Redis)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import CarrierUsage
from portal.models.polling import CarrierRateWindow

RATE_WAIT_LIMIT = 30.0  # seconds a poll may wait for a rate slot before giving up


class QuotaExhausted(Exception):
    """The carrier account's daily quota is spent; `retry_after` is seconds until it resets."""

    def __init__(self, carrier: str, retry_after: float) -> None:
        super().__init__(f"{carrier}: daily quota used up")
        self.retry_after = retry_after


def carrier_limits(carrier: str) -> tuple[float | None, int | None]:
    """The configured (requests per second, requests per day) of a carrier; None: unlimited."""
    settings = current_app.config["CARRIERS"][carrier]
    return settings["rate"], settings["daily_quota"]


def seconds_until_reset(now: datetime) -> float:
    """Quotas reset at midnight UTC (DHL's does at 24:00 GMT)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return (tomorrow - now).total_seconds()


def usage_today(day: date) -> dict[str, int]:
    rows = db.session.execute(
        select(CarrierUsage.carrier, CarrierUsage.requests).where(CarrierUsage.day == day)
    )
    return dict(rows.all())


def remaining_today(day: date) -> dict[str, int | None]:
    """Requests each carrier may still spend today (None: unlimited); one query."""
    used = usage_today(day)
    remaining = {}
    for carrier in current_app.config["CARRIERS"]:
        _, quota = carrier_limits(carrier)
        remaining[carrier] = None if quota is None else max(quota - used.get(carrier, 0), 0)
    return remaining


def _ensure_row(connection, table, **key) -> None:
    """Insert the counter row unless another worker already has (both dialects upsert)."""
    if connection.dialect.name == "postgresql":
        statement = postgresql_insert(table)
    else:
        statement = sqlite_insert(table)
    connection.execute(statement.values(**key).on_conflict_do_nothing())


def spend_daily(carrier: str, requests: int, now: datetime) -> None:
    """Reserve `requests` from today's quota in its own transaction; raises QuotaExhausted.

    Always counts (the ledger is the dashboard's figure); refuses only when a quota is set
    and the reservation would pass it.
    """
    _, quota = carrier_limits(carrier)
    day = now.date()
    table = CarrierUsage.__table__
    with db.engine.begin() as connection:
        _ensure_row(connection, table, carrier=carrier, day=day)
        condition = [table.c.carrier == carrier, table.c.day == day]
        if quota is not None:
            condition.append(table.c.requests + requests <= quota)
        done = connection.execute(
            update(table).where(*condition).values(requests=table.c.requests + requests)
        )
    if done.rowcount != 1:
        raise QuotaExhausted(carrier, seconds_until_reset(now))


def wait_for_rate_slot(carrier: str, sleep: Callable[[float], None] = time.sleep) -> None:
    """Block until this carrier account may send one more request this second, across workers.

    Raises QuotaExhausted (retry in a minute) when no slot frees up within RATE_WAIT_LIMIT.
    """
    rate, _ = carrier_limits(carrier)
    if rate is None:
        return
    per_second = max(1, math.floor(rate))
    waited = 0.0
    while waited <= RATE_WAIT_LIMIT:
        now = time.time()
        if _take_slot(carrier, int(now), per_second):
            return
        pause = math.ceil(now) - now + 0.001
        sleep(pause)
        waited += pause
    raise QuotaExhausted(carrier, 60.0)


def _take_slot(carrier: str, second: int, per_second: int) -> bool:
    redis = current_app.extensions.get("quota_redis")
    if redis is not None:
        key = f"{current_app.config.get('QUEUE_NAME', 'porchlight')}:rate:{carrier}:{second}"
        count = redis.incr(key)
        if count == 1:
            redis.expire(key, 5)
        return count <= per_second
    table = CarrierRateWindow.__table__
    with db.engine.begin() as connection:
        _ensure_row(connection, table, carrier=carrier, second=second)
        done = connection.execute(
            update(table)
            .where(
                table.c.carrier == carrier, table.c.second == second, table.c.requests < per_second
            )
            .values(requests=table.c.requests + 1)
        )
        if second % 60 == 0:
            connection.execute(delete(table).where(table.c.second < second - 60))
    return done.rowcount == 1


def init_quota(app) -> None:
    """Use Redis for per-second windows when the queue is on Redis (many hosts share it)."""
    queue_url = app.config["QUEUE_URL"]
    if queue_url.startswith(("redis://", "rediss://")):
        import redis

        app.extensions["quota_redis"] = redis.Redis.from_url(queue_url)
    else:
        app.extensions["quota_redis"] = None
