"""DHL's Unified Shipment Tracking path, answering emulated timelines in DHL's shapes."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common
from carriers.emulator.places import Place
from carriers.emulator.scenarios import StepKind, TimedStep, Timeline

bp = Blueprint("emulator_dhl", __name__)

K = StepKind
# step kind → (statusCode, status, description); "{city}" is the scan's place. A note
# (exceptions, attempts, delays, returns) replaces the description, as DHL's remarks do.
_STATUS = {
    K.LABEL: ("pre-transit", "Shipment information received", "Shipment information received"),
    K.VOIDED: ("failure", "Cancelled", "Shipment cancelled by the sender"),
    K.PICKUP: ("transit", "Shipment picked up", "Shipment picked up"),
    K.ORIGIN_SCAN: ("transit", "Processed", "Processed at {city} - USA"),
    K.DEPARTURE: ("transit", "Departed Facility", "Departed Facility in {city} - USA"),
    K.ARRIVAL: ("transit", "Arrived at Sort Facility", "Arrived at DHL Sort Facility {city} - USA"),
    K.DESTINATION_SCAN: (
        "transit",
        "Arrived at Delivery Facility",
        "Arrived at Delivery Facility in {city} - USA",
    ),
    K.RESCHEDULED: ("transit", "Delayed", "Scheduled for delivery on a later date"),
    K.EXCEPTION: ("failure", "Shipment on hold", "Shipment on hold"),
    K.OUT_FOR_DELIVERY: (
        "transit",
        "With delivery courier",
        "Shipment is out with courier for delivery",
    ),
    K.ATTEMPT_FAILED: ("failure", "Delivery attempt failed", "Delivery attempt failed"),
    K.AT_PICKUP_POINT: (
        "transit",
        "Ready for pickup",
        "Awaiting collection by recipient at DHL Service Point",
    ),
    K.PICKED_UP: ("delivered", "Delivered", "Delivered - Collected by: {received_by}"),
    K.DELIVERED: ("delivered", "Delivered", "Delivered - Signed for by: {received_by}"),
    K.RETURNING: ("transit", "Return to sender", "Returning to shipper"),
    K.RETURNED: ("delivered", "Returned", "Shipment returned to shipper"),
}
_MALFORMED = '{"shipments": [{"id": '


def _problem(status: int, code: str, message: str) -> Response:
    titles = {401: "Unauthorized", 404: "No result found", 429: "Too many requests"}
    answer = jsonify(
        type=f"https://api-eu.dhl.com/problems/{code}",
        title=titles.get(status, message),
        status=status,
        detail=message,
        instance=request.full_path,
    )
    answer.mimetype = "application/problem+json"
    return answer


@bp.get("/track/shipments")
def track():
    """Answer one number in DHL's shipments shape, or a 404 problem."""
    if not request.headers.get("DHL-API-Key"):
        return _problem(401, "unauthorized", "Unauthorized for given resource."), 401
    if (answer := common.global_fault("dhl", _problem, _MALFORMED)) is not None:
        return answer
    number = (request.args.get("trackingNumber") or "").replace(" ", "")
    if not number:
        return _problem(400, "bad-request", "trackingNumber is required."), 400
    now = datetime.now(UTC)
    match = common.find_scenario("dhl", number, now)
    if match and (answer := common.scenario_fault(match[0], _problem, _MALFORMED)) is not None:
        return answer
    timeline = common.seen(*match, now) if match else None
    if timeline is None or not timeline.events:
        detail = "No shipment with given tracking number found."
        return _problem(404, "not-found", detail), 404
    return jsonify(shipments=[_shipment(number, timeline)])


def _location(place: Place) -> dict:
    return {
        "address": {
            "addressLocality": place.city,
            "addressRegion": place.region,
            "postalCode": place.postal_code,
            "countryCode": place.country,
        }
    }


def _event(timed: TimedStep) -> dict:
    code, status, description = _STATUS[timed.step.kind]
    step = timed.step
    entry = {
        "timestamp": common.local_iso(step.place, timed.at),
        "location": _location(step.place),
        "statusCode": code,
        "status": status,
        "description": step.note
        or description.format(city=step.place.city.upper(), received_by=step.received_by or ""),
    }
    if step.note and step.kind in (K.RESCHEDULED, K.EXCEPTION):
        entry["remark"] = step.note
    return entry


def _shipment(number: str, timeline: Timeline) -> dict:
    scenario = timeline.scenario
    destination = scenario.destination
    details: dict = {"product": {"productName": "DHL EXPRESS DOMESTIC"}, "totalNumberOfPieces": 1}
    shipment: dict = {
        "id": number,
        "service": "express",
        "origin": _location(scenario.origin),
        "destination": _location(destination),
        "status": _event(timeline.events[0]),
        "details": details,
        "events": [_event(timed) for timed in timeline.events],
    }
    delivered = next(
        (e for e in timeline.events if e.step.kind in (K.DELIVERED, K.PICKED_UP)), None
    )
    if delivered is not None:
        details["proofOfDelivery"] = {
            "timestamp": common.local_iso(delivered.step.place, delivered.at),
            "signed": {"name": delivered.step.received_by or ""},
        }
    promise = timeline.rescheduled or timeline.scheduled
    if promise is not None:
        shipment["estimatedTimeOfDelivery"] = common.at_local(destination, promise, 18).isoformat()
        shipment["estimatedTimeOfDeliveryRemark"] = "By End of Day"
    if timeline.window is not None:
        shipment["estimatedDeliveryTimeFrame"] = {
            "estimatedFrom": timeline.window[0].isoformat(),
            "estimatedThrough": timeline.window[1].isoformat(),
        }
    return shipment
