"""The one place carrier HTTP happens: timeouts, retries, Retry-After, pacing, circuit breaker."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from carriers.errors import CarrierHTTPError
from carriers.models import ErrorKind
from carriers.throttle import CircuitBreaker, TokenBucket

logger = logging.getLogger("carriers.http")

USER_AGENT = "Porchlight/0.1 (+self-hosted order tracking)"
_RETRYABLE_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: `attempts` tries in all, backoff doubling from `backoff` up to
    `max_backoff` per wait and `max_total_wait` overall; a 429 is retried once when its
    Retry-After is at most `max_retry_after`."""

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 4.0
    max_total_wait: float = 10.0
    max_retry_after: float = 5.0

    def delay(self, retry_number: int, rng: random.Random) -> float:
        """Return the jittered wait before retry `retry_number` (1-based)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (retry_number - 1))
        # "Equal jitter": half fixed, half random, so waits grow but never synchronise.
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return Retry-After in seconds (from delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class CarrierHTTP:
    """HTTP for one carrier account; safe to share between the poller's threads."""

    def __init__(
        self,
        carrier: str,
        base_url: str,
        *,
        rate: float | None = None,
        connect_timeout: float = 3.05,
        read_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        pool_maxsize: int = 32,
    ) -> None:
        self.carrier = carrier
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(carrier)
        self.sleep = sleep
        self.limiter = TokenBucket(rate, sleep=sleep)
        self._rng = rng or random.Random()
        self.session = self._make_session(pool_maxsize)

    @staticmethod
    def _make_session(pool_maxsize: int) -> requests.Session:
        session = requests.Session()
        # Retries are ours (they must see the breaker and the limiter), so urllib3's are off.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        # Carrier APIs are stateless; refusing cookies keeps the shared session free of
        # cross-thread mutable state.
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.headers["User-Agent"] = USER_AGENT
        return session

    def url(self, path: str) -> str:
        """Return the absolute URL of a carrier path under the configured base URL."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one logical request, retrying transient failures.

        Returns the response for any status below 500 except 429 (the adapter reads 4xx
        bodies itself). Raises CarrierHTTPError: TEMPORARY after retries on 5xx, timeouts
        and connection errors; RATE_LIMITED on a 429 not worth waiting for (with
        retry_after); CircuitOpen (TEMPORARY) while the carrier is paused.
        """
        self.breaker.before_request()
        url = self.url(path)
        waited = 0.0
        retried_429 = False
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    headers=dict(headers or {}),
                    json=json,
                    data=data,
                    timeout=self.timeout,
                )
            except _RETRYABLE_EXCEPTIONS as exc:
                failure = CarrierHTTPError(
                    ErrorKind.TEMPORARY, f"{self.carrier}: {type(exc).__name__} on {method} {path}"
                )
            except requests.RequestException as exc:
                self.breaker.record_failure()
                raise CarrierHTTPError(
                    ErrorKind.TEMPORARY, f"{self.carrier}: {type(exc).__name__}: {exc}"
                ) from exc
            else:
                if response.status_code == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if (
                        not retried_429
                        and retry_after is not None
                        and retry_after <= self.retry.max_retry_after
                    ):
                        retried_429 = True
                        logger.info("%s: 429, retrying after %.1f s", self.carrier, retry_after)
                        self.sleep(retry_after)
                        waited += retry_after
                        continue
                    # The carrier is up, just busy: not a breaker failure.
                    self.breaker.record_success()
                    raise CarrierHTTPError(
                        ErrorKind.RATE_LIMITED,
                        f"{self.carrier}: rate limited (429)",
                        status=429,
                        retry_after=retry_after,
                    )
                if response.status_code < 500:
                    self.breaker.record_success()
                    return response
                failure = CarrierHTTPError(
                    ErrorKind.TEMPORARY,
                    f"{self.carrier}: HTTP {response.status_code} on {method} {path}",
                    status=response.status_code,
                )
            delay = self.retry.delay(attempt, self._rng)
            if attempt >= self.retry.attempts or waited + delay > self.retry.max_total_wait:
                self.breaker.record_failure()
                logger.warning(
                    "%s: giving up after %d attempts: %s", self.carrier, attempt, failure
                )
                raise failure
            logger.info("%s: %s; retry %d in %.2f s", self.carrier, failure, attempt, delay)
            self.sleep(delay)
            waited += delay
