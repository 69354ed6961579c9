"""The Carrier interface: pure request building and parsing, I/O only in `track`."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests

from carriers.errors import CarrierHTTPError
from carriers.http import CarrierHTTP
from carriers.models import ErrorKind, TrackingResult

logger = logging.getLogger("carriers")

SETTING_KEYS = (
    "base_url",
    "client_id",
    "client_secret",
    "api_key",
    "webhook_secret",
    "rate",
    "daily_quota",
    "hourly_quota",
)


@dataclass(frozen=True)
class PreparedCall:
    """One HTTP request to a carrier, built without I/O; `numbers` are the ones it asks about."""

    method: str
    path: str
    numbers: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    data: Mapping[str, str] | None = None


def normalize_number(number: str) -> str:
    """Return a tracking number without spaces or dashes, upper-cased."""
    return "".join(ch for ch in number if ch not in " -\t").upper()


def chunks(numbers: Sequence[str], size: int) -> Iterator[list[str]]:
    """Yield consecutive slices of at most `size` numbers."""
    for start in range(0, len(numbers), max(1, size)):
        yield list(numbers[start : start + size])


class Carrier(ABC):
    """A carrier adapter, built from one account's settings dict (see SETTING_KEYS).

    Subclasses implement the pure `build_request`, `parse_response` and `parse_error`;
    `track` is the only method that does I/O and it never raises for carrier or
    network trouble.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    max_batch: ClassVar[int] = 1
    default_base_url: ClassVar[str]

    def __init__(self, settings: Mapping[str, Any] | None = None, **http_options: Any) -> None:
        settings = dict(settings or {})
        unknown = set(settings) - set(SETTING_KEYS)
        if unknown:
            raise ValueError(f"{self.code}: unknown carrier settings {sorted(unknown)}")
        self.base_url: str = settings.get("base_url") or self.default_base_url
        self.client_id: str | None = settings.get("client_id")
        self.client_secret: str | None = settings.get("client_secret")
        self.api_key: str | None = settings.get("api_key")
        self.webhook_secret: str | None = settings.get("webhook_secret")
        self.rate: float | None = settings.get("rate")
        # Enforced by the poller across workers; the adapter only carries the number.
        self.daily_quota: int | None = settings.get("daily_quota")
        self.hourly_quota: int | None = settings.get("hourly_quota")
        self.http = CarrierHTTP(self.code, self.base_url, rate=self.rate, **http_options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"

    @abstractmethod
    def public_tracking_url(self, number: str) -> str:
        """Return the carrier's public tracking page for a number."""

    @abstractmethod
    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return the calls that ask about `numbers` (at most max_batch per call)."""

    @abstractmethod
    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a successful answer's decoded JSON.

        Never raises, whatever the payload's shape: odd answers become failures.
        """

    @abstractmethod
    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failed result per number for an HTTP error status and its body
        (payload is the decoded JSON, or None when the body was not JSON)."""

    def send(self, call: PreparedCall) -> requests.Response:
        """Send a prepared call with the carrier's authentication; raises CarrierHTTPError."""
        return self._send_with_headers(call, {})

    def _send_with_headers(
        self, call: PreparedCall, auth_headers: Mapping[str, str]
    ) -> requests.Response:
        return self.http.request(
            call.method,
            call.path,
            params=call.params,
            headers={**call.headers, **auth_headers},
            json=call.json,
            data=call.data,
        )

    def _require_api_key(self) -> str:
        """Return the API key; raises CarrierHTTPError (AUTH) when it is not set."""
        if not self.api_key:
            raise CarrierHTTPError(ErrorKind.AUTH, f"{self.code}: API key not set")
        return self.api_key

    def track(self, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one TrackingResult per number, in order.

        Never raises for carrier or network problems: those become
        TrackingResult.failure(number, kind, message) with the matching ErrorKind.
        """
        results: dict[str, TrackingResult] = {}
        for batch in chunks(list(dict.fromkeys(numbers)), self.max_batch):
            for call in self.build_request(batch):
                for result in self._run(call):
                    results[result.tracking_number] = result
        return [
            results.get(number)
            or TrackingResult.failure(number, ErrorKind.PARSE, "no answer for this number")
            for number in numbers
        ]

    def _run(self, call: PreparedCall) -> list[TrackingResult]:
        try:
            response = self.send(call)
        except CarrierHTTPError as error:
            return [
                TrackingResult.failure(number, error.kind, error.message, error.retry_after)
                for number in call.numbers
            ]
        try:
            payload = response.json() if response.content else None
        except ValueError:  # requests' JSONDecodeError included
            payload = None
            if response.ok:
                return [
                    TrackingResult.failure(
                        number, ErrorKind.PARSE, f"{self.code}: answer is not valid JSON"
                    )
                    for number in call.numbers
                ]
        try:
            if response.ok:
                return self.parse_response(payload, call.numbers)
            return self.parse_error(response.status_code, payload, call.numbers)
        except Exception:
            # A parser bug must not take the poller down or store half a result.
            logger.exception("%s: parser failed on HTTP %s", self.code, response.status_code)
            return [
                TrackingResult.failure(number, ErrorKind.PARSE, f"{self.code}: unreadable answer")
                for number in call.numbers
            ]
