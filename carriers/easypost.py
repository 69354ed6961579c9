"""EasyPost Trackers adapter: API key as Basic user, find the tracker else create it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from carriers import easypost_parse
from carriers.base import Carrier, PreparedCall, normalize_number
from carriers.detect import detect_carriers
from carriers.models import ErrorKind, TrackingResult
from carriers.parsing import (
    as_dict,
    as_list,
    code_message_pairs,
    error_message,
    failures,
    kind_for_error,
    text,
)

TRACKERS_PATH = "/v2/trackers"
# EasyPost's names for the carriers `detect` knows, sent when creating a tracker.
CARRIER_NAMES = {"ups": "UPS", "fedex": "FedEx", "usps": "USPS", "dhl": "DHLExpress"}
ERROR_KINDS: dict[str, ErrorKind] = {
    "APIKEY.INACTIVE": ErrorKind.AUTH,
    "APIKEY.REQUIRED": ErrorKind.AUTH,
    "UNAUTHORIZED": ErrorKind.AUTH,
    "NOT_FOUND": ErrorKind.NOT_FOUND,
    "TRACKER.NOT_FOUND": ErrorKind.NOT_FOUND,
    "TRACKER.CREATE.ERROR": ErrorKind.INVALID,
    "TRACKER.TRACKING_CODE.INVALID": ErrorKind.INVALID,
    "PARAMETER.INVALID": ErrorKind.INVALID,
    "RATE_LIMITED": ErrorKind.RATE_LIMITED,
}


def errors_of(payload: Any) -> list[tuple[str, str]]:
    """Return (code, message) pairs of an EasyPost `{"error": {...}}` body."""
    error = as_dict(as_dict(payload).get("error"))
    found = code_message_pairs([error])
    for detail in as_list(error.get("errors")):
        if text(detail.get("message")):
            found.append((text(detail.get("field")) or "?", text(detail.get("message")) or ""))
    return found


class EasyPost(Carrier):
    """EasyPost Trackers (carriers.md, EasyPost section), which read other carriers for us.

    `track` first lists trackers for the number (GET /v2/trackers?tracking_code=…) and
    creates one (POST /v2/trackers) only when none exists: EasyPost bills each tracker it
    creates and keeps it updated by itself, so reading an existing one is free and repeat
    polls never make duplicates. A new tracker usually knows nothing yet (NOT_FOUND
    until EasyPost's first fetch); its later changes also arrive by webhook.
    """

    code = "easypost"
    name = "EasyPost"
    max_batch = 1
    default_base_url = "https://api.easypost.com"

    def public_tracking_url(self, number: str) -> str:
        """Return EasyPost's public tracking page for the number."""
        return f"https://track.easypost.com/{quote(normalize_number(number), safe='')}"

    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return one tracker lookup (GET list by tracking_code) per number."""
        return [
            PreparedCall(
                "GET",
                TRACKERS_PATH,
                numbers=(number,),
                params={"tracking_code": normalize_number(number), "page_size": "5"},
            )
            for number in numbers
        ]

    def build_create_request(self, number: str) -> PreparedCall:
        """Return the call that creates a tracker, naming the carrier when detection is sure."""
        tracker: dict[str, str] = {"tracking_code": normalize_number(number)}
        detected = detect_carriers(number)
        if len(detected) == 1 and detected[0] in CARRIER_NAMES:
            tracker["carrier"] = CARRIER_NAMES[detected[0]]
        return PreparedCall("POST", TRACKERS_PATH, numbers=(number,), json={"tracker": tracker})

    def send(self, call: PreparedCall) -> requests.Response:
        """Send a call with the API key as Basic user; raises CarrierHTTPError."""
        basic = base64.b64encode(f"{self._require_api_key()}:".encode()).decode("ascii")
        return self._send_with_headers(call, {"Authorization": f"Basic {basic}"})

    def _run(self, call: PreparedCall) -> list[TrackingResult]:
        results = super()._run(call)
        if call.method != "GET" or len(results) != 1:
            return results
        [result] = results
        if result.error is not None and result.error.message == _NO_TRACKER:
            return super()._run(self.build_create_request(call.numbers[0]))
        return results

    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a tracker list or a single Tracker; never raises.

        A list without a tracker for the number → NOT_FOUND (track then creates one);
        an error body → its kind; the wrong shape → PARSE.
        """
        if not isinstance(payload, dict):
            return failures(numbers, ErrorKind.PARSE, "EasyPost: answer is not a JSON object")
        if errors_of(payload):
            return self.parse_error(200, payload, numbers)
        if text(payload.get("object")) == "Tracker":
            trackers = [payload]
        elif isinstance(payload.get("trackers"), list):
            trackers = as_list(payload.get("trackers"))
        else:
            return failures(numbers, ErrorKind.PARSE, "EasyPost: answer has no trackers")
        return [_result_for(number, trackers) for number in numbers]

    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failure per number for an error status and EasyPost error body."""
        errors = errors_of(payload)
        kind = kind_for_error(status, (code.upper() for code, _ in errors), ERROR_KINDS)
        message = error_message("EasyPost", errors) or f"EasyPost: HTTP {status}"
        return failures(numbers, kind, message)


_NO_TRACKER = "EasyPost: no tracker for this number yet"


def _result_for(number: str, trackers: list[dict]) -> TrackingResult:
    wanted = normalize_number(number)
    mine = [t for t in trackers if normalize_number(text(t.get("tracking_code")) or "") == wanted]
    if not mine:
        return TrackingResult.failure(number, ErrorKind.NOT_FOUND, _NO_TRACKER)
    # The same code may be tracked under several carriers: the freshest tracker wins.
    return easypost_parse.parse_tracker(number, max(mine, key=easypost_parse.updated_at))
