"""UPS's token and Track paths, answering emulated timelines in UPS's own JSON shapes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request

from carriers.emulator.scenarios import (
    SCENARIOS,
    StepKind,
    TimedStep,
    Timeline,
    decode_tracking_number,
    timeline,
)
from carriers.emulator.state import (
    NUMBER_FAULT_DELAY,
    NUMBER_FAULT_RETRY_AFTER,
    EmulatorState,
    FaultPlan,
)

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


def _errors(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"response": {"errors": [{"code": code, "message": message}]}}), status


def _state() -> EmulatorState:
    return current_app.extensions["porchlight_emulator"]


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
        access_token=_state().issue_token(float(TOKEN_LIFETIME)),
        scope="",
        expires_in=TOKEN_LIFETIME,
        refresh_count="0",
        status="approved",
    )


@bp.get("/api/track/v1/details/<inquiry_number>")
def track(inquiry_number: str):
    state = _state()
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not state.token_valid(header[7:]):
        return _errors(401, "250002", "Invalid Authentication Information.")
    fault = state.take_fault()
    if fault is not None and (answer := _fault_answer(fault)) is not None:
        return answer
    number = inquiry_number.replace(" ", "").upper()
    if not _VALID_NUMBER.match(number):
        return _errors(400, "TV1002", "Invalid inquiry number")
    now = datetime.now(UTC)
    decoded = decode_tracking_number("ups", number, now)
    if decoded is None:
        return _not_found(number)
    scenario = SCENARIOS[decoded[0]]
    if scenario.fault and (answer := _fault_answer(_number_fault(scenario.fault))) is not None:
        return answer
    seen = timeline(scenario, decoded[1], state.speed, now)
    if not seen.events:
        return _not_found(number)
    return jsonify({"trackResponse": {"shipment": [_shipment(number, seen)]}})


def _number_fault(mode: str) -> FaultPlan:
    return FaultPlan(mode, None, NUMBER_FAULT_RETRY_AFTER, NUMBER_FAULT_DELAY)


def _fault_answer(fault: FaultPlan) -> tuple[Response, int] | Response | None:
    if fault.mode == "500":
        return _errors(500, "9999", "Internal Server Error")
    if fault.mode == "429":
        answer, status = _errors(429, "10429", "Too Many Requests")
        answer.headers["Retry-After"] = f"{fault.retry_after:g}"
        return answer, status
    if fault.mode == "malformed":
        return Response(
            '{"trackResponse": {"shipment": [{"inquiryNumber": ', 200, mimetype="application/json"
        )
    if fault.mode == "slow":
        time.sleep(fault.delay)
    return None


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
