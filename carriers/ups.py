"""UPS Track API adapter: OAuth token, one number per GET, answers parsed defensively."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from carriers import ups_parse
from carriers.base import PreparedCall, normalize_number
from carriers.models import ErrorKind, TrackingResult
from carriers.oauth import OAuthCarrier
from carriers.parsing import (
    as_list,
    code_message_pairs,
    error_message,
    failures,
    kind_for_error,
    text,
)

TOKEN_PATH = "/security/v1/oauth/token"
TRACK_PATH = "/api/track/v1/details/{number}"
TRACK_PARAMS = {
    "locale": "en_US",
    "returnSignature": "false",
    "returnMilestones": "false",
    "returnPOD": "false",
}
TRANSACTION_SOURCE = "porchlight"

# UPS error codes whose meaning is clearer than the HTTP status they come with.
ERROR_KINDS: dict[str, ErrorKind] = {
    "TV1002": ErrorKind.INVALID,  # invalid inquiry number
    "TW0001": ErrorKind.NOT_FOUND,  # tracking information not found
    "10429": ErrorKind.RATE_LIMITED,  # too many requests
    "250002": ErrorKind.AUTH,  # invalid authentication information
}


class UPS(OAuthCarrier):
    """UPS through its Track API (carriers.md, UPS section)."""

    code = "ups"
    name = "UPS"
    max_batch = 1
    default_base_url = "https://onlinetools.ups.com"

    def public_tracking_url(self, number: str) -> str:
        """Return ups.com's tracking page for the number."""
        return f"https://www.ups.com/track?tracknum={quote(normalize_number(number))}"

    def token_request(self) -> PreparedCall:
        """Return the client-credentials token call (Basic auth, form body)."""
        pair = f"{self.client_id or ''}:{self.client_secret or ''}".encode()
        return PreparedCall(
            "POST",
            TOKEN_PATH,
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")},
            data={"grant_type": "client_credentials"},
        )

    def parse_token(self, payload: Any) -> tuple[str, float]:
        """Return (access_token, expires_in seconds, which UPS sends as a string); raises
        ValueError on a bad answer."""
        if not isinstance(payload, dict):
            raise ValueError("token answer is not an object")
        return super().parse_token(payload)

    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return one GET per number; each carries a unique 32-character transId."""
        return [
            PreparedCall(
                "GET",
                TRACK_PATH.format(number=quote(normalize_number(number), safe="")),
                numbers=(number,),
                params=TRACK_PARAMS,
                headers={"transId": uuid.uuid4().hex, "transactionSrc": TRANSACTION_SOURCE},
            )
            for number in numbers
        ]

    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a 2xx Track answer; never raises.

        Not found (TW0001 or no package) → NOT_FOUND; an error body → its kind;
        an answer of the wrong shape → PARSE.
        """
        if not isinstance(payload, dict):
            return failures(numbers, ErrorKind.PARSE, "UPS: answer is not a JSON object")
        if ups_parse.errors_of(payload):
            return self.parse_error(200, payload, numbers)
        track_response = payload.get("trackResponse")
        if not isinstance(track_response, dict):
            return failures(numbers, ErrorKind.PARSE, "UPS: answer has no trackResponse")
        shipments = [s for s in as_list(track_response.get("shipment")) if s]
        return [_result_for(number, shipments, len(numbers)) for number in numbers]

    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failure per number for an error status and UPS error body."""
        errors = ups_parse.errors_of(payload)
        kind = kind_for_error(status, (code for code, _ in errors), ERROR_KINDS)
        return failures(numbers, kind, error_message("UPS", errors) or f"UPS: HTTP {status}")


def _result_for(number: str, shipments: list[dict], asked: int) -> TrackingResult:
    wanted = normalize_number(number)
    shipment = next(
        (s for s in shipments if normalize_number(text(s.get("inquiryNumber")) or "") == wanted),
        None,
    )
    if shipment is None and asked == 1 and len(shipments) == 1:
        shipment = shipments[0]
    if shipment is None:
        return TrackingResult.failure(number, ErrorKind.PARSE, "UPS: no shipment for this number")
    package = ups_parse.pick_package(shipment, wanted)
    if package is None:
        warnings = code_message_pairs(as_list(shipment.get("warnings")))
        message = error_message("UPS", warnings) or "UPS: no package information"
        return TrackingResult.failure(number, ErrorKind.NOT_FOUND, message)
    return ups_parse.parse_package(number, package)
