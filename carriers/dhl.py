"""DHL Shipment Tracking (Unified API) adapter: API-key header, one number per GET."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from carriers import dhl_parse
from carriers.base import Carrier, PreparedCall, normalize_number
from carriers.models import ErrorKind, TrackingResult
from carriers.parsing import as_dict, as_list, failures, kind_for_status, text

TRACK_PATH = "/track/shipments"


def problem_of(payload: Any) -> tuple[int | None, str | None]:
    """Return (status, "title: detail") of an RFC 7807 problem body, else (None, None)."""
    problem = as_dict(payload)
    title, detail = text(problem.get("title")), text(problem.get("detail"))
    status = problem.get("status")
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    if not (title or detail):
        return status, None
    return status, ": ".join(part for part in (title, detail) if part)


class DHL(Carrier):
    """DHL through its Shipment Tracking Unified API (carriers.md, DHL section).

    DHL asks for at most 10 fetches per shipment a day: the poller enforces it, not this.
    """

    code = "dhl"
    name = "DHL"
    max_batch = 1
    default_base_url = "https://api-eu.dhl.com"

    def public_tracking_url(self, number: str) -> str:
        """Return dhl.com's tracking page for the number."""
        return "https://www.dhl.com/global-en/home/tracking.html?tracking-id=" + quote(
            normalize_number(number)
        )

    def build_request(self, numbers: Sequence[str]) -> list[PreparedCall]:
        """Return one GET per number (English wording, which the status refinement reads)."""
        return [
            PreparedCall(
                "GET",
                TRACK_PATH,
                numbers=(number,),
                params={"trackingNumber": normalize_number(number), "language": "en"},
            )
            for number in numbers
        ]

    def send(self, call: PreparedCall) -> requests.Response:
        """Send a call with the DHL-API-Key header; raises CarrierHTTPError (AUTH without key)."""
        return self._send_with_headers(call, {"DHL-API-Key": self._require_api_key()})

    def parse_response(self, payload: Any, numbers: Sequence[str]) -> list[TrackingResult]:
        """Return one result per number from a 2xx answer; never raises.

        No shipment for the number → NOT_FOUND; a problem body → its kind; the wrong
        shape → PARSE.
        """
        if not isinstance(payload, dict):
            return failures(numbers, ErrorKind.PARSE, "DHL: answer is not a JSON object")
        if "shipments" not in payload:
            status, message = problem_of(payload)
            if message:
                return self.parse_error(status or 200, payload, numbers)
            return failures(numbers, ErrorKind.PARSE, "DHL: answer has no shipments")
        shipments = as_list(payload.get("shipments"))
        return [_result_for(number, shipments, len(numbers)) for number in numbers]

    def parse_error(
        self, status: int, payload: Any, numbers: Sequence[str]
    ) -> list[TrackingResult]:
        """Return one failure per number for an error status and DHL problem body."""
        _, message = problem_of(payload)
        kind = kind_for_status(status)
        if (
            kind is ErrorKind.TEMPORARY
            and status < 500
            and message
            and "not found" in message.lower()
        ):
            kind = ErrorKind.NOT_FOUND
        return failures(numbers, kind, f"DHL: {message or f'HTTP {status}'}")


def _result_for(number: str, shipments: list[dict], asked: int) -> TrackingResult:
    wanted = normalize_number(number)
    shipment = next(
        (s for s in shipments if normalize_number(text(s.get("id")) or "") == wanted), None
    )
    if shipment is None and asked == 1 and shipments:
        shipment = shipments[0]  # DHL may answer a piece number with its waybill's id
    if shipment is None:
        return TrackingResult.failure(number, ErrorKind.NOT_FOUND, "DHL: no shipment found")
    return dhl_parse.parse_shipment(number, shipment)
