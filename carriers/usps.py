"""USPS Tracking v3 adapter: OAuth token (scope tracking), one number per GET, drift-tolerant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from carriers import usps_parse
from carriers.base import PreparedCall, normalize_number
from carriers.models import ErrorKind, TrackingResult
from carriers.oauth import OAuthCarrier
from carriers.parsing import (
    as_dict,
    as_list,
    code_message_pairs,
    error_message,
    failures,
    kind_for_error,
    text,
)

TOKEN_PATH = "/oauth2/v3/token"
TRACK_PATH = "/tracking/v3/tracking/{number}"
TRACK_PARAMS = {"expand": "DETAIL"}

# USPS error codes whose meaning is clearer than the HTTP status they come with.
ERROR_KINDS: dict[str, ErrorKind] = {
    "invalid_client": ErrorKind.AUTH,
    "invalid_token": ErrorKind.AUTH,
    "unauthorized": ErrorKind.AUTH,
    "not_found": ErrorKind.NOT_FOUND,
    "404": ErrorKind.NOT_FOUND,
    "invalid_request": ErrorKind.INVALID,
    "400": ErrorKind.INVALID,
    "429": ErrorKind.RATE_LIMITED,
}


def errors_of(payload: Any) -> list[tuple[str, str]]:
    """Return (code, message) pairs of a USPS `{"error": {...}}` body, the outer one first."""
    error = as_dict(as_dict(payload).get("error"))
    found = code_message_pairs([error])
    for detail in as_list(error.get("errors")):
        code = text(detail.get("code")) or text(detail.get("status"))
        message = text(detail.get("detail")) or text(detail.get("title"))
        if code or message:
            found.append((code or "?", message or ""))
    return found


class USPS(OAuthCarrier):
    """USPS through its Tracking API v3 (carriers.md, USPS section)."""

    code = "usps"
    name = "USPS"
    max_batch = 1
    default_base_url = "https://apis.usps.com"

    def public_tracking_url(self, number: str) -> str:
        """Return usps.com's tracking page for the number."""
        return "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + quote(
            normalize_number(number)
        )

    def token_request(self) -> PreparedCall:
        """Return the client-credentials token call with scope "tracking" (form body)."""
        return self._form_token_request(TOKEN_PATH, scope="tracking")

    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return one GET per number, asking for the detailed event list."""
        return [
            PreparedCall(
                "GET",
                TRACK_PATH.format(number=quote(normalize_number(number), safe="")),
                numbers=(number,),
                params=TRACK_PARAMS,
            )
            for number in numbers
        ]

    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a 2xx tracking answer; never raises.

        An error body → its kind; an answer with neither status nor events → NOT_FOUND;
        the wrong shape → PARSE.
        """
        if not isinstance(payload, dict):
            return failures(numbers, ErrorKind.PARSE, "USPS: answer is not a JSON object")
        if errors_of(payload):
            return self.parse_error(200, payload, numbers)
        return [_result_for(number, payload, len(numbers)) for number in numbers]

    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failure per number for an error status and USPS error body."""
        errors = errors_of(payload)
        kind = kind_for_error(status, (code.lower() for code, _ in errors), ERROR_KINDS)
        if kind is ErrorKind.TEMPORARY and any("not found" in m.lower() for _, m in errors):
            kind = ErrorKind.NOT_FOUND
        return failures(numbers, kind, error_message("USPS", errors) or f"USPS: HTTP {status}")


def _result_for(number: str, payload: dict, asked: int) -> TrackingResult:
    answered = normalize_number(text(payload.get("trackingNumber")) or "")
    if answered and answered != normalize_number(number) and asked > 1:
        return TrackingResult.failure(number, ErrorKind.PARSE, "USPS: no answer for this number")
    has_status = text(payload.get("status")) or text(payload.get("statusCategory"))
    if not has_status and not as_list(payload.get("trackingEvents")):
        summary = text(payload.get("statusSummary"))
        return TrackingResult.failure(
            number, ErrorKind.NOT_FOUND, f"USPS: {summary or 'no tracking information'}"
        )
    return usps_parse.parse_tracking(number, payload)
