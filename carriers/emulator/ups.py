"""UPS's token and Track paths, answering emulated timelines in UPS's own JSON shapes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common
from carriers.emulator.scenarios import StepKind, TimedStep, Timeline

bp = Blueprint("emulator_ups", __name__)

TOKEN_LIFETIME = "14399"
K = StepKind
# step kind → (status type letter, activity code, 3-digit statusCode, description, simplified)
# The X-type codes (WX weather, DA attempt) are the emulator's own: UPS documents the X
# letter but no fixed codes for them, and the adapter maps by the letter.
_STATUS = {
    K.LABEL: (
        "M",
        "MP",
        "003",
        "Shipper created a label, UPS has not received the package yet.",
        "Label Created",
    ),
    K.VOIDED: ("MV", "MV", "003", "Shipment information voided by the shipper.", "Voided"),
    K.PICKUP: ("P", "PU", "005", "Pickup Scan", "On the Way"),
    K.ORIGIN_SCAN: ("I", "OR", "005", "Origin Scan", "On the Way"),
    K.DEPARTURE: ("I", "DP", "005", "Departed from Facility", "On the Way"),
    K.ARRIVAL: ("I", "AR", "005", "Arrived at Facility", "On the Way"),
    K.DESTINATION_SCAN: ("I", "DS", "005", "Destination Scan", "On the Way"),
    K.RESCHEDULED: ("I", "UP", "005", "The delivery date has been updated.", "Delayed"),
    K.EXCEPTION: ("X", "WX", "007", "Exception", "Delayed"),
    K.OUT_FOR_DELIVERY: ("I", "OT", "021", "Out For Delivery Today", "Out for Delivery"),
    K.ATTEMPT_FAILED: ("X", "DA", "007", "Delivery attempted", "Delivery Attempted"),
    K.AT_PICKUP_POINT: (
        "D",
        "KB",
        "011",
        "Delivered to UPS Access Point™ and awaiting customer pickup",
        "Ready for Pickup",
    ),
    K.PICKED_UP: (
        "D",
        "FS",
        "011",
        "Picked up by the receiver at the UPS Access Point™",
        "Delivered",
    ),
    K.DELIVERED: ("D", "FS", "011", "DELIVERED", "Delivered"),
    K.RETURNING: ("RS", "RS", "006", "Returning to Sender", "Returning to Sender"),
    K.RETURNED: ("RS", "RS", "006", "Returned to Sender", "Returned to Sender"),
}
_SERVICES = {
    "ground": {"code": "003", "levelCode": "GND", "description": "UPS Ground"},
    "two_day": {"code": "002", "levelCode": "2DA", "description": "UPS 2nd Day Air®"},
}
_VALID_NUMBER = re.compile(r"^[0-9A-Z]{7,34}$")
_MALFORMED = '{"trackResponse": {"shipment": [{"inquiryNumber": '


def _errors(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"response": {"errors": [{"code": code, "message": message}]}}), status


@bp.post("/security/v1/oauth/token")
def token():
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        return _errors(401, "10401", "ClientId is Invalid")
    if request.form.get("grant_type") != "client_credentials":
        return _errors(400, "10400", "Invalid/Missing grant_type")
    issued = int(time.time() * 1000)
    return jsonify(
        token_type="Bearer",
        issued_at=str(issued),
        client_id=auth.username,
        access_token=common.state().issue_token(float(TOKEN_LIFETIME)),
        scope="",
        expires_in=TOKEN_LIFETIME,
        refresh_count="0",
        status="approved",
    )


@bp.get("/api/track/v1/details/<inquiry_number>")
def track(inquiry_number: str):
    """Answer one number in UPS's trackResponse shape (TW0001 when not found)."""
    if not common.bearer_ok():
        return _errors(401, "250002", "Invalid Authentication Information.")
    if (answer := common.global_fault("ups", _fault_error, _MALFORMED)) is not None:
        return answer
    number = inquiry_number.replace(" ", "").upper()
    if not _VALID_NUMBER.match(number):
        return _errors(400, "TV1002", "Invalid inquiry number")
    now = datetime.now(UTC)
    match = common.find_scenario("ups", number, now)
    if match is None:
        return _not_found(number)
    if (answer := common.scenario_fault(match[0], _fault_error, _MALFORMED)) is not None:
        return answer
    seen = common.seen(*match, now)
    if not seen.events:
        return _not_found(number)
    return jsonify({"trackResponse": {"shipment": [_shipment(number, seen)]}})


def _fault_error(status: int, code: str, message: str) -> Response:
    answer, _ = _errors(status, {500: "9999", 429: "10429"}.get(status, code), message)
    return answer


def _not_found(number: str):
    warning = {"code": "TW0001", "message": "Tracking Information Not Found"}
    return jsonify(
        {
            "trackResponse": {
                "shipment": [{"inquiryNumber": number, "userRelation": [], "warnings": [warning]}]
            }
        }
    )


def _address(place, full: bool = True) -> dict:
    if not full:
        return {"country": place.country, "countryCode": place.country}
    return {
        "city": place.city,
        "stateProvince": place.region,
        "postalCode": place.postal_code,
        "country": place.country,
        "countryCode": place.country,
    }


def _status(timed: TimedStep) -> dict:
    type_letter, code, status_code, description, simplified = _STATUS[timed.step.kind]
    if timed.step.note:
        description = timed.step.note
    return {
        "type": type_letter,
        "description": description,
        "code": code,
        "statusCode": status_code,
        "simplifiedTextDescription": simplified,
    }


def _activity(timed: TimedStep) -> dict:
    local, utc = timed.local, timed.at.astimezone(UTC)
    offset = local.strftime("%z")
    return {
        "location": {"address": _address(timed.step.place, timed.step.kind is not K.LABEL)},
        "status": _status(timed),
        "date": local.strftime("%Y%m%d"),
        "time": local.strftime("%H%M%S"),
        "gmtDate": utc.strftime("%Y%m%d"),
        "gmtOffset": f"{offset[:3]}:{offset[3:]}",
        "gmtTime": utc.strftime("%H:%M:%S"),
    }


def _shipment(number: str, seen: Timeline) -> dict:
    scenario, latest = seen.scenario, seen.events[0]
    package: dict = {
        "trackingNumber": number,
        "currentStatus": _status(latest),
        "activity": [_activity(timed) for timed in seen.events],
        "packageAddress": [
            {
                "type": "ORIGIN",
                "name": "PORCHLIGHT DEMO SHIPPER",
                "address": _address(scenario.origin),
            },
            {"type": "DESTINATION", "name": "", "address": _address(scenario.destination)},
        ],
        "weight": {"unitOfMeasurement": "LBS", "weight": "3.40"},
        "service": _SERVICES.get(scenario.service, _SERVICES["ground"]),
        "packageCount": 1,
    }
    dates = []
    if seen.scheduled:
        dates.append({"type": "SDD", "date": seen.scheduled.strftime("%Y%m%d")})
    if seen.rescheduled:
        dates.append({"type": "RDD", "date": seen.rescheduled.strftime("%Y%m%d")})
    delivered = next((e for e in seen.events if e.step.kind in (K.DELIVERED, K.PICKED_UP)), None)
    if delivered is not None:
        local = delivered.local
        dates.append({"type": "DEL", "date": local.strftime("%Y%m%d")})
        package["deliveryTime"] = {"type": "DEL", "endTime": local.strftime("%H%M%S")}
        package["deliveryInformation"] = {
            "receivedBy": delivered.step.received_by or "",
            "location": delivered.step.left_at or "",
            "signature": None,
            "pod": None,
        }
    elif seen.window is not None:
        start, end = seen.window
        package["deliveryTime"] = {
            "type": "EDW",
            "startTime": start.strftime("%H%M%S"),
            "endTime": end.strftime("%H%M%S"),
        }
    elif seen.scheduled:
        package["deliveryTime"] = {"type": "EOD", "endTime": "235900"}
    if dates:
        package["deliveryDate"] = dates
    return {"inquiryNumber": number, "package": [package], "userRelation": []}
