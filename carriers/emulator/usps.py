"""USPS's token and Tracking v3 paths, answering emulated timelines in USPS's drifting shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common
from carriers.emulator.scenarios import StepKind, TimedStep, Timeline

bp = Blueprint("emulator_usps", __name__)

TOKEN_LIFETIME = 28799
K = StepKind
# step kind → (eventType, eventCode, statusCategory). Steps USPS has no documented code for
# (alerts, returns, a cancelled label) carry an empty code and USPS's wording.
_STATUS = {
    K.LABEL: ("Shipping Label Created, USPS Awaiting Item", "GX", "Pre-Shipment"),
    K.VOIDED: ("Shipping Label Cancelled", "", "Pre-Shipment"),
    K.PICKUP: ("USPS in possession of item", "03", "Accepted"),
    K.ORIGIN_SCAN: ("Arrived at USPS Regional Origin Facility", "10", "In Transit"),
    K.DEPARTURE: ("Departed USPS Regional Facility", "T1", "In Transit"),
    K.ARRIVAL: ("Arrived at USPS Regional Facility", "10", "In Transit"),
    K.DESTINATION_SCAN: ("Arrived at Post Office", "07", "In Transit"),
    K.RESCHEDULED: ("In Transit, Arriving Late", "TL", "In Transit"),
    K.EXCEPTION: ("Delivery Exception, Weather Delay", "", "Alert"),
    K.OUT_FOR_DELIVERY: ("Out for Delivery", "OF", "Out for Delivery"),
    K.ATTEMPT_FAILED: ("Notice Left (No Authorized Recipient Available)", "02", "Delivery Attempt"),
    K.AT_PICKUP_POINT: ("Available for Pickup", "14", "Available for Pickup"),
    K.PICKED_UP: ("Delivered, Individual Picked Up at Post Office", "01", "Delivered"),
    K.DELIVERED: ("Delivered, {left_at}", "01", "Delivered"),
    K.RETURNING: ("Return to Sender Processed", "", "Alert"),
    K.RETURNED: ("Delivered, To Original Sender", "01", "Delivered"),
}
_BAD_ADDRESS = ("Delivery Attempted - Insufficient Address", "55", "Delivery Attempt")
_MALFORMED = '{"trackingNumber": "9400'


def _error(status: int, code: str, message: str) -> Response:
    return jsonify(
        apiVersion="v3",
        error={
            "code": str(status),
            "message": message,
            "errors": [{"status": str(status), "code": code, "title": message, "detail": message}],
        },
    )


@bp.post("/oauth2/v3/token")
def token():
    """Return a USPS token for any client id and secret (form or JSON body)."""
    form = request.form if request.form else (request.get_json(silent=True) or {})
    if form.get("grant_type") != "client_credentials":
        return _error(400, "invalid_request", "grant_type must be client_credentials"), 400
    if not form.get("client_id") or not form.get("client_secret"):
        return _error(401, "invalid_client", "Client authentication failed."), 401
    return jsonify(
        access_token=common.state().issue_token(TOKEN_LIFETIME),
        token_type="Bearer",
        issued_at=int(datetime.now(UTC).timestamp() * 1000),
        expires_in=TOKEN_LIFETIME,
        status="approved",
        scope=form.get("scope") or "tracking",
        application_name="porchlight-demo",
    )


@bp.get("/tracking/v3/tracking/<tracking_number>")
def track(tracking_number: str):
    """Answer one number in USPS's flat tracking shape, or its 404 error."""
    if not common.bearer_ok():
        return _error(401, "invalid_token", "OAuth access token is expired or invalid."), 401
    if (answer := common.global_fault("usps", _error, _MALFORMED)) is not None:
        return answer
    number = tracking_number.replace(" ", "")
    now = datetime.now(UTC)
    # USPS knows the USPS-shaped numbers the EasyPost emulator hands out as well.
    match = common.find_scenario("usps", number, now) or common.find_scenario(
        "easypost", number, now
    )
    if match and (answer := common.scenario_fault(match[0], _error, _MALFORMED)) is not None:
        return answer
    timeline = common.seen(*match, now) if match else None
    if timeline is None or not timeline.events:
        return _error(404, "404", f"The tracking number {number} could not be located."), 404
    return jsonify(_tracking(number, timeline))


def _status(timed: TimedStep) -> tuple[str, str, str]:
    if timed.step.kind is K.ATTEMPT_FAILED and "address" in (timed.step.note or ""):
        return _BAD_ADDRESS
    event_type, code, category = _STATUS[timed.step.kind]
    return event_type.format(left_at=timed.step.left_at or "Front Door/Porch"), code, category


def _event(timed: TimedStep) -> dict:
    event_type, code, _ = _status(timed)
    place, local = timed.step.place, timed.local
    offset = local.strftime("%z")
    return {
        "eventType": event_type,
        "eventTimestamp": local.replace(tzinfo=None, microsecond=0).isoformat(),
        "GMTTimestamp": timed.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "GMTOffset": f"{offset[:3]}:{offset[3:]}",
        "eventCountry": "",
        "eventCity": place.city.upper(),
        "eventState": place.region,
        "eventZIP": place.postal_code,
        "firm": "",
        "name": timed.step.received_by or "",
        "authorizedAgent": "false",
        "eventCode": code,
    }


def _tracking(number: str, timeline: Timeline) -> dict:
    scenario, latest = timeline.scenario, timeline.events[0]
    status, _, category = _status(latest)
    destination = scenario.destination
    answer: dict = {
        "trackingNumber": number,
        "status": status,
        "statusCategory": category,
        "statusSummary": f"Your item's latest status: {status}, {latest.step.place.city}.",
        "mailClass": "Priority Mail<SUP>&reg;</SUP>",
        "mailType": "DOMESTIC_MAIL",
        "originCity": scenario.origin.city.upper(),
        "originState": scenario.origin.region,
        "originZIP": scenario.origin.postal_code,
        "destinationCity": destination.city.upper(),
        "destinationState": destination.region,
        "destinationZIP": destination.postal_code,
        "emailEnabled": "true",
        "kahalaIndicator": "false",
        "proofOfDeliveryEnabled": "true",
        "trackingEvents": [_event(timed) for timed in timeline.events],
    }
    promise = timeline.rescheduled or timeline.scheduled
    if promise is not None:
        answer["predictedDeliveryDate"] = promise.isoformat()
    if timeline.window is not None:
        start, end = timeline.window
        answer["predictedDeliveryWindowStartTime"] = start.strftime("%I:%M %p").lstrip("0").lower()
        answer["predictedDeliveryWindowEndTime"] = end.strftime("%I:%M %p").lstrip("0").lower()
    return answer
