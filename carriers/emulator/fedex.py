"""FedEx's token and batched Track paths, answering emulated timelines in FedEx's shapes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common
from carriers.emulator.places import Place
from carriers.emulator.scenarios import StepKind, TimedStep, Timeline

bp = Blueprint("emulator_fedex", __name__)

TOKEN_LIFETIME = 3599
MAX_BATCH = 30
K = StepKind
# step kind → (eventType, derivedStatusCode, eventDescription, derivedStatus)
_STATUS = {
    K.LABEL: ("OC", "IN", "Shipment information sent to FedEx", "Label created"),
    K.VOIDED: ("CA", "CA", "Shipment cancelled by sender", "Cancelled"),
    K.PICKUP: ("PU", "PU", "Picked up", "Picked up"),
    K.ORIGIN_SCAN: ("AR", "IT", "Arrived at FedEx location", "In transit"),
    K.DEPARTURE: ("DP", "IT", "Departed FedEx location", "In transit"),
    K.ARRIVAL: ("AR", "IT", "Arrived at FedEx location", "In transit"),
    K.DESTINATION_SCAN: ("FD", "IT", "At destination sort facility", "In transit"),
    K.RESCHEDULED: ("DY", "DY", "Delay", "Delay"),
    K.EXCEPTION: ("SE", "SE", "Shipment exception", "Delay"),
    K.OUT_FOR_DELIVERY: ("OD", "OD", "On FedEx vehicle for delivery", "Out for delivery"),
    K.ATTEMPT_FAILED: ("DE", "DE", "Delivery exception", "Delivery exception"),
    K.AT_PICKUP_POINT: ("HP", "HP", "Ready for recipient pickup", "Ready for pickup"),
    K.PICKED_UP: ("DL", "DL", "Delivered", "Delivered"),
    K.DELIVERED: ("DL", "DL", "Delivered", "Delivered"),
    K.RETURNING: ("RS", "RS", "Return to shipper", "Return to shipper"),
    K.RETURNED: ("RS", "RS", "Returned to shipper", "Return to shipper"),
}
# FedEx's numeric exception codes for the emulator's notes (08 recipient not in, 03 address).
_EXCEPTION_CODES = {K.ATTEMPT_FAILED: "08", K.EXCEPTION: "WX", K.RESCHEDULED: "DY"}
_MALFORMED = '{"transactionId": "x", "output": {"completeTrackResults": [{"trackingNumber": '


def _error(status: int, code: str, message: str) -> Response:
    codes = {
        401: "NOT.AUTHORIZED.ERROR",
        429: "TOO.MANY.REQUESTS",
        500: "INTERNAL.SERVER.ERROR",
        400: "BAD.REQUEST.ERROR",
    }
    return jsonify(
        transactionId=str(uuid.uuid4()),
        errors=[{"code": codes.get(status, code), "message": message}],
    )


@bp.post("/oauth/token")
def token():
    """Return a FedEx token for any client id and secret in the form body."""
    form = request.form
    if form.get("grant_type") != "client_credentials":
        return _error(400, "BAD.REQUEST.ERROR", "Invalid grant_type"), 400
    if not form.get("client_id") or not form.get("client_secret"):
        return _error(
            401, "NOT.AUTHORIZED.ERROR", "The given client credentials were not valid."
        ), 401
    return jsonify(
        access_token=common.state().issue_token(TOKEN_LIFETIME),
        token_type="bearer",
        expires_in=TOKEN_LIFETIME,
        scope="CXS-TP",
    )


@bp.post("/track/v1/trackingnumbers")
def track():
    """Answer up to 30 numbers in FedEx's completeTrackResults shape."""
    if not common.bearer_ok():
        return _error(
            401, "", "Access token expired. Please modify your request and try again."
        ), 401
    if (answer := common.global_fault("fedex", _error, _MALFORMED)) is not None:
        return answer
    body = request.get_json(silent=True) or {}
    infos = body.get("trackingInfo") if isinstance(body, dict) else None
    if not isinstance(infos, list) or not infos:
        return _error(400, "TRACKING.TRACKINGNUMBER.EMPTY", "Please provide tracking numbers."), 400
    if len(infos) > MAX_BATCH:
        return _error(400, "TRACKING.TRACKINGNUMBER.LIMIT", "At most 30 tracking numbers."), 400
    numbers = [
        str(((info or {}).get("trackingNumberInfo") or {}).get("trackingNumber") or "")
        for info in infos
    ]
    now = datetime.now(UTC)
    found = {number: common.find_scenario("fedex", number, now) for number in numbers}
    # One fault number spoils the whole batch request, as a real failing request would.
    for match in found.values():
        if match and (answer := common.scenario_fault(match[0], _error, _MALFORMED)) is not None:
            return answer
    results = []
    for number in numbers:
        match = found[number]
        timeline = common.seen(*match, now) if match else None
        if timeline is None or not timeline.events:
            results.append({"trackingNumber": number, "trackResults": [_not_found(number)]})
        else:
            results.append({"trackingNumber": number, "trackResults": [_result(number, timeline)]})
    return jsonify(
        transactionId=str(uuid.uuid4()),
        customerTransactionId=request.headers.get("x-customer-transaction-id", ""),
        output={"completeTrackResults": results},
    )


def _not_found(number: str) -> dict:
    return {
        "trackingNumberInfo": {"trackingNumber": number, "trackingNumberUniqueId": ""},
        "error": {
            "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
            "message": "Tracking number cannot be found. Please correct the tracking number "
            "and try again.",
        },
    }


def _address(place: Place) -> dict:
    return {
        "city": place.city.upper(),
        "stateOrProvinceCode": place.region,
        "postalCode": place.postal_code,
        "countryCode": place.country,
        "residential": False,
    }


def _scan(timed: TimedStep) -> dict:
    event_type, derived, description, derived_status = _STATUS[timed.step.kind]
    note = timed.step.note or ""
    code = _EXCEPTION_CODES.get(timed.step.kind, "") if note else ""
    if timed.step.kind is K.ATTEMPT_FAILED and "address" in note:
        code = "03"
    return {
        "date": common.local_iso(timed.step.place, timed.at),
        "eventType": event_type,
        "eventDescription": description,
        "derivedStatusCode": derived,
        "derivedStatus": derived_status,
        "exceptionCode": code,
        "exceptionDescription": note,
        "scanLocation": {"countryCode": "US"}
        if timed.step.kind is K.LABEL
        else _address(timed.step.place),
    }


def _latest(timeline: Timeline) -> dict:
    latest = timeline.events[0]
    _, derived, description, _ = _STATUS[latest.step.kind]
    detail: dict = {
        "code": derived,
        "derivedCode": derived,
        "statusByLocale": description,
        "description": description,
        "scanLocation": _address(latest.step.place),
    }
    if latest.step.note:
        detail["ancillaryDetails"] = [
            {
                "reason": _EXCEPTION_CODES.get(latest.step.kind, ""),
                "reasonDescription": latest.step.note,
            }
        ]
    if latest.step.kind is K.EXCEPTION:
        detail["delayDetail"] = {"status": "DELAYED", "type": "WEATHER"}
    elif latest.step.kind is K.RESCHEDULED:
        detail["delayDetail"] = {"status": "DELAYED", "type": "OPERATIONAL"}
    return detail


def _result(number: str, timeline: Timeline) -> dict:
    scenario = timeline.scenario
    destination = scenario.destination
    dates = []
    for timed in reversed(timeline.events):
        kind = timed.step.kind
        stamp = common.local_iso(timed.step.place, timed.at)
        if kind is K.PICKUP:
            dates += [
                {"type": "ACTUAL_PICKUP", "dateTime": stamp},
                {"type": "SHIP", "dateTime": stamp},
            ]
        elif kind is K.ATTEMPT_FAILED:
            dates.append({"type": "ATTEMPTED_DELIVERY", "dateTime": stamp})
        elif kind in (K.DELIVERED, K.PICKED_UP):
            dates.append({"type": "ACTUAL_DELIVERY", "dateTime": stamp})
    promise = timeline.rescheduled or timeline.scheduled
    if promise is not None:
        midnight = common.local_midnight(destination, promise).isoformat()
        dates.append({"type": "ESTIMATED_DELIVERY", "dateTime": midnight})
    delivered = next(
        (e for e in timeline.events if e.step.kind in (K.DELIVERED, K.PICKED_UP)), None
    )
    window: dict = {}
    if timeline.window is not None:
        window = {"begins": timeline.window[0].isoformat(), "ends": timeline.window[1].isoformat()}
    attempts = sum(1 for e in timeline.events if e.step.kind is K.ATTEMPT_FAILED)
    details: dict = {"deliveryAttempts": str(attempts)}
    if delivered is not None:
        details.update(
            receivedByName=delivered.step.received_by or "",
            signedByName=delivered.step.received_by or "",
            locationDescription=delivered.step.left_at or "",
        )
    return {
        "trackingNumberInfo": {"trackingNumber": number, "carrierCode": "FDXE"},
        "shipperInformation": {"address": _address(scenario.origin)},
        "recipientInformation": {"address": _address(destination)},
        "latestStatusDetail": _latest(timeline),
        "dateAndTimes": dates,
        "scanEvents": [_scan(timed) for timed in timeline.events],
        "estimatedDeliveryTimeWindow": {"window": window},
        "deliveryDetails": details,
        "serviceDetail": {"type": "FEDEX_GROUND", "description": "FedEx Ground"},
        "packageDetails": {"count": "1"},
    }
