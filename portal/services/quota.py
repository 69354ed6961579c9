"""Carrier quotas shared by every worker: requests per day and per clock hour in the database,
per second in Redis (or the database when there is no Redis)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import CarrierHourlyUsage, CarrierUsage
from portal.models.polling import CarrierRateWindow

RATE_WAIT_LIMIT = 30.0  # seconds a poll may wait for a rate slot before giving up
HOURLY_ROWS_KEPT = timedelta(days=2)  # older hourly counters are pruned when an hour starts
# The share of an hourly window held back at the top of the hour for parcels on the van, in
# trouble or due today; it melts as the hour runs out, so nothing is left unspent at :59.
URGENT_RESERVE = 0.25


class QuotaExhausted(Exception):
    """A carrier account's daily or hourly quota is spent; `retry_after` is seconds until
    that window resets."""

    def __init__(self, carrier: str, retry_after: float, window: str = "daily") -> None:
        super().__init__(f"{carrier}: {window} quota used up")
        self.retry_after = retry_after
        self.window = window


@dataclass(frozen=True)
class Allowance:
    """Calls a claim may still plan for a carrier (None: unlimited): for any parcel, and for
    routine parcels, which leave the hour's urgent reserve alone."""

    urgent: int | None
    routine: int | None


UNLIMITED = Allowance(None, None)


def carrier_limits(carrier: str) -> tuple[float | None, int | None]:
    """The configured (requests per second, requests per day) of a carrier; None: unlimited."""
    settings = current_app.config["CARRIERS"][carrier]
    return settings["rate"], settings["daily_quota"]


def hourly_limit(carrier: str) -> int | None:
    """The configured requests per clock hour of a carrier; None: no hourly window."""
    return current_app.config["CARRIERS"][carrier]["hourly_quota"]


def is_limited(carrier: str) -> bool:
    """Whether a daily or an hourly quota bounds this carrier's calls."""
    return carrier_limits(carrier)[1] is not None or hourly_limit(carrier) is not None


def seconds_until_reset(now: datetime) -> float:
    """Quotas reset at midnight UTC (DHL's does at 24:00 GMT)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return (tomorrow - now).total_seconds()


def hour_start(now: datetime) -> datetime:
    """The clock hour (UTC) `now` falls in. Hourly quotas reset at the top of each hour: the
    plain reading of USPS's "60 an hour", and how an API gateway's default quota counts
    (USPS's 429 answers name an Apigee-style "API product" quota)."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def seconds_until_next_hour(now: datetime) -> float:
    """Seconds until the hourly windows reset."""
    return (hour_start(now) + timedelta(hours=1) - now).total_seconds()


def usage_today(day: date) -> dict[str, int]:
    rows = db.session.execute(
        select(CarrierUsage.carrier, CarrierUsage.requests).where(CarrierUsage.day == day)
    )
    return dict(rows.all())


def usage_this_hour(now: datetime) -> dict[str, int]:
    rows = db.session.execute(
        select(CarrierHourlyUsage.carrier, CarrierHourlyUsage.requests).where(
            CarrierHourlyUsage.hour == hour_start(now)
        )
    )
    return dict(rows.all())


def hourly_usage(now: datetime) -> dict[str, tuple[int, int]]:
    """Requests spent this clock hour with the hourly quota, for carriers that have one."""
    limits = {code: hourly_limit(code) for code in current_app.config["CARRIERS"]}
    limits = {code: limit for code, limit in limits.items() if limit is not None}
    used = usage_this_hour(now) if limits else {}
    return {code: (used.get(code, 0), limit) for code, limit in limits.items()}


def urgent_reserve(limit: int, now: datetime) -> int:
    """Calls of an hourly window that routine parcels leave alone at `now`: a quarter of
    the window at the top of the hour, shrinking to none by its end."""
    return math.floor(limit * URGENT_RESERVE * seconds_until_next_hour(now) / 3600)


def _least(*values: int | None) -> int | None:
    bounded = [value for value in values if value is not None]
    return min(bounded) if bounded else None


def allowances(now: datetime, planned: dict[str, int] | None = None) -> dict[str, Allowance]:
    """What each carrier may still be asked today and this hour, less the `planned` calls
    (claimed but not yet made); one query, two when a carrier has an hourly window."""
    planned = planned or {}
    daily_used = usage_today(now.date())
    hourly = hourly_usage(now)
    result = {}
    for carrier in current_app.config["CARRIERS"]:
        _, daily = carrier_limits(carrier)
        pending = planned.get(carrier, 0)
        day_left = None if daily is None else max(daily - daily_used.get(carrier, 0) - pending, 0)
        if carrier not in hourly:
            result[carrier] = Allowance(day_left, day_left)
            continue
        used, limit = hourly[carrier]
        hour_left = max(limit - used - pending, 0)
        routine_left = max(hour_left - urgent_reserve(limit, now), 0)
        result[carrier] = Allowance(_least(day_left, hour_left), _least(day_left, routine_left))
    return result


def _ensure_row(connection, table, **key) -> bool:
    """Insert the counter row unless another worker already has (both dialects upsert);
    True when this call inserted it."""
    if connection.dialect.name == "postgresql":
        statement = postgresql_insert(table)
    else:
        statement = sqlite_insert(table)
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT DO NOTHING.
    statement = statement.values(**key).on_conflict_do_nothing().returning(*table.primary_key)
    return connection.execute(statement).first() is not None


def _charge(connection, table, limit: int | None, requests: int, **key) -> tuple[bool, bool]:
    """Add `requests` to one counter unless that passes `limit`; returns (added, whether
    this call created the counter)."""
    created = _ensure_row(connection, table, **key)
    condition = [table.c[name] == value for name, value in key.items()]
    if limit is not None:
        condition.append(table.c.requests + requests <= limit)
    done = connection.execute(
        update(table).where(*condition).values(requests=table.c.requests + requests)
    )
    return done.rowcount == 1, created


def spend(carrier: str, requests: int, now: datetime) -> None:
    """Reserve `requests` from today's quota and, where the carrier has one, this clock
    hour's, in one transaction of their own; raises QuotaExhausted naming the window that
    refused (then neither is charged).

    The daily ledger always counts (it is the dashboard's figure); a window refuses only
    when a quota is set and the reservation would pass it.
    """
    _, daily = carrier_limits(carrier)
    hourly = hourly_limit(carrier)
    with db.engine.begin() as connection:
        day = {"carrier": carrier, "day": now.date()}
        added, _ = _charge(connection, CarrierUsage.__table__, daily, requests, **day)
        if not added:
            raise QuotaExhausted(carrier, seconds_until_reset(now))
        if hourly is None:
            return
        table = CarrierHourlyUsage.__table__
        hour = hour_start(now)
        added, created = _charge(connection, table, hourly, requests, carrier=carrier, hour=hour)
        if not added:  # raising rolls the day's charge back too
            raise QuotaExhausted(carrier, seconds_until_next_hour(now), "hourly")
        if created:
            connection.execute(delete(table).where(table.c.hour < hour - HOURLY_ROWS_KEPT))


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
