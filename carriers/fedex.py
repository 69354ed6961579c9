"""FedEx Track API adapter: OAuth token, up to 30 numbers per POST, answers parsed defensively."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from carriers import fedex_parse
from carriers.base import PreparedCall, chunks, normalize_number
from carriers.models import ErrorKind, TrackingResult
from carriers.oauth import OAuthCarrier
from carriers.parsing import (
    as_dict,
    as_list,
    code_message_pairs,
    error_message,
    failures,
    kind_for_status,
    text,
)

TOKEN_PATH = "/oauth/token"
TRACK_PATH = "/track/v1/trackingnumbers"
MAX_BATCH = 30
_LONG_AGO = datetime(1, 1, 2, tzinfo=UTC)

# FedEx error codes whose meaning is clearer than the HTTP status they come with.
ERROR_KINDS: dict[str, ErrorKind] = {
    "NOT.AUTHORIZED.ERROR": ErrorKind.AUTH,
    "FORBIDDEN.ERROR": ErrorKind.AUTH,
    "UNAUTHORIZED": ErrorKind.AUTH,
    "NOT.FOUND.ERROR": ErrorKind.NOT_FOUND,
    fedex_parse.NOT_FOUND: ErrorKind.NOT_FOUND,
    "TRACKING.TRACKINGNUMBER.INVALID": ErrorKind.INVALID,
    "TRACKING.TRACKINGNUMBER.EMPTY": ErrorKind.INVALID,
    "INVALID.INPUT.EXCEPTION": ErrorKind.INVALID,
    "BAD.REQUEST.ERROR": ErrorKind.INVALID,
    "TOO.MANY.REQUESTS": ErrorKind.RATE_LIMITED,
    "SYSTEM.UNAVAILABLE.EXCEPTION": ErrorKind.TEMPORARY,
    "SERVICE.UNAVAILABLE.ERROR": ErrorKind.TEMPORARY,
    "INTERNAL.SERVER.ERROR": ErrorKind.TEMPORARY,
}


def errors_of(payload: Any) -> list[tuple[str, str]]:
    """Return (code, message) pairs of a FedEx `{"errors": [...]}` body."""
    return code_message_pairs(as_list(as_dict(payload).get("errors")))


def _kind_of(code: str | None, fallback: ErrorKind) -> ErrorKind:
    code = (code or "").upper()
    if code in ERROR_KINDS:
        return ERROR_KINDS[code]
    if "NOTFOUND" in code or "NOT.FOUND" in code:
        return ErrorKind.NOT_FOUND
    if "INVALID" in code:
        return ErrorKind.INVALID
    return fallback


class FedEx(OAuthCarrier):
    """FedEx through its Track API (carriers.md, FedEx section); 30 numbers per request."""

    code = "fedex"
    name = "FedEx"
    max_batch = MAX_BATCH
    default_base_url = "https://apis.fedex.com"

    def public_tracking_url(self, number: str) -> str:
        """Return fedex.com's tracking page for the number."""
        return f"https://www.fedex.com/fedextrack/?trknbr={quote(normalize_number(number))}"

    def token_request(self) -> PreparedCall:
        """Return the client-credentials token call (credentials in the form body)."""
        return self._form_token_request(TOKEN_PATH)

    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return one POST per 30 numbers, asking for detailed scans."""
        return [
            PreparedCall(
                "POST",
                TRACK_PATH,
                numbers=tuple(batch),
                headers={"x-locale": "en_US", "x-customer-transaction-id": uuid.uuid4().hex},
                json={
                    "includeDetailedScans": True,
                    "trackingInfo": [
                        {"trackingNumberInfo": {"trackingNumber": normalize_number(number)}}
                        for number in batch
                    ],
                },
            )
            for batch in chunks(list(numbers), MAX_BATCH)
        ]

    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a 2xx Track answer; never raises.

        TRACKING.TRACKINGNUMBER.NOTFOUND inside the answer → NOT_FOUND for that number;
        an error body → its kind; an answer of the wrong shape → PARSE. When one number has
        several track results (FedEx reuses numbers) the one with the newest scan wins.
        """
        if not isinstance(payload, dict):
            return failures(numbers, ErrorKind.PARSE, "FedEx: answer is not a JSON object")
        output = payload.get("output")
        if not isinstance(output, dict):
            if errors_of(payload):
                return self.parse_error(200, payload, numbers)
            return failures(numbers, ErrorKind.PARSE, "FedEx: answer has no output")
        by_number: dict[str, list[dict]] = {}
        for complete in as_list(output.get("completeTrackResults")):
            key = normalize_number(text(complete.get("trackingNumber")) or "")
            by_number.setdefault(key, []).extend(as_list(complete.get("trackResults")))
        if len(numbers) == 1 and len(by_number) == 1:
            # One asked, one answered: FedEx may echo the number in another format.
            return [_result_for(numbers[0], next(iter(by_number.values())))]
        return [
            _result_for(number, by_number.get(normalize_number(number), [])) for number in numbers
        ]

    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failure per number for an error status and FedEx error body."""
        errors = errors_of(payload)
        kind = kind_for_status(status)
        if errors and status not in (401, 403):
            kind = _kind_of(errors[0][0], kind)
        return failures(numbers, kind, error_message("FedEx", errors) or f"FedEx: HTTP {status}")


def _result_for(number: str, track_results: list[dict]) -> TrackingResult:
    if not track_results:
        return TrackingResult.failure(number, ErrorKind.PARSE, "FedEx: no result for this number")
    usable = [r for r in track_results if not as_dict(r.get("error"))]
    if not usable:
        error = as_dict(track_results[0].get("error"))
        code, message = text(error.get("code")), text(error.get("message"))
        return TrackingResult.failure(
            number,
            _kind_of(code, ErrorKind.NOT_FOUND),
            f"FedEx {code or '?'}: {message or 'no tracking information'}",
        )
    newest = max(usable, key=lambda r: fedex_parse.newest_scan(r) or _LONG_AGO)
    return fedex_parse.parse_track_result(number, newest)
