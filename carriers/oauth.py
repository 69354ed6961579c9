"""OAuth 2 client-credentials tokens: cached until shortly before expiry, refreshed on 401."""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

import requests

from carriers.base import Carrier, PreparedCall
from carriers.errors import CarrierHTTPError
from carriers.models import ErrorKind
from carriers.parsing import as_dict


class TokenCache:
    """Holds one access token; `fetch` returns (token, lifetime in seconds)."""

    def __init__(
        self,
        fetch: Callable[[], tuple[str, float]],
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def get(self) -> str:
        """Return a token valid for at least refresh_margin seconds, fetching one if needed.

        Raises whatever `fetch` raises (CarrierHTTPError for the carriers).
        """
        with self._lock:
            # Fetching under the lock makes concurrent callers share one token request.
            if self._token is None or self._clock() >= self._expires_at - self.refresh_margin:
                started = self._clock()
                token, lifetime = self._fetch()
                self._token, self._expires_at = token, started + lifetime
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` if it is still the current one (a later refresh is kept)."""
        with self._lock:
            if self._token == token:
                self._token = None


class OAuthCarrier(Carrier):
    """A carrier whose API takes a client-credentials Bearer token."""

    def __init__(self, settings: Any = None, **http_options: Any) -> None:
        super().__init__(settings, **http_options)
        self.tokens = TokenCache(self._fetch_token)

    @abstractmethod
    def token_request(self) -> PreparedCall:
        """Return the call that asks for an access token."""

    def parse_token(self, payload: Any) -> tuple[str, float]:
        """Return (access token, lifetime in seconds) from an RFC 6749 token answer;
        raises ValueError on a bad answer. Carriers with their own shape override it."""
        token = as_dict(payload).get("access_token")
        if not isinstance(token, str) or not token:
            raise ValueError("no access_token")
        try:
            lifetime = float(payload.get("expires_in"))
        except (TypeError, ValueError):
            lifetime = 300.0  # unknown lifetime: assume a short one and refetch soon
        return token, lifetime

    def _form_token_request(self, path: str, **extra: str) -> PreparedCall:
        """Return a client-credentials token POST with the client id and secret (and any
        `extra` fields) in the form body."""
        return PreparedCall(
            "POST",
            path,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id or "",
                "client_secret": self.client_secret or "",
                **extra,
            },
        )

    def _fetch_token(self) -> tuple[str, float]:
        if not (self.client_id and self.client_secret):
            raise CarrierHTTPError(ErrorKind.AUTH, f"{self.code}: client id and secret not set")
        response = self._send_with_headers(self.token_request(), {})
        if response.status_code in (400, 401, 403):
            raise CarrierHTTPError(
                ErrorKind.AUTH,
                f"{self.code}: token request refused (HTTP {response.status_code})",
                status=response.status_code,
            )
        if not response.ok:
            raise CarrierHTTPError(
                ErrorKind.TEMPORARY,
                f"{self.code}: token request failed (HTTP {response.status_code})",
                status=response.status_code,
            )
        try:
            return self.parse_token(response.json())
        except ValueError as exc:
            raise CarrierHTTPError(
                ErrorKind.PARSE, f"{self.code}: bad token answer: {exc}"
            ) from exc

    def send(self, call: PreparedCall) -> requests.Response:
        """Send with a Bearer token; on 401 refresh the token once and resend once."""
        token = self.tokens.get()
        response = self._send_with_headers(call, _bearer(token))
        if response.status_code == 401:
            self.tokens.invalidate(token)
            response = self._send_with_headers(call, _bearer(self.tokens.get()))
        return response


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
