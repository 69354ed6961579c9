"""EasyPost's Trackers paths: list by code, create, read by id, in EasyPost's shapes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from carriers.emulator import common
from carriers.emulator.scenarios import SCENARIOS, StepKind, TimedStep, decode_tracking_number
from carriers.emulator.scenarios import timeline as replay
from carriers.emulator.state import EmulatorState, Tracker

bp = Blueprint("emulator_easypost", __name__)

K = StepKind
# EasyPost reads other carriers: the number family it decodes as names the carrier.
FAMILIES = ("easypost", "usps", "ups", "fedex", "dhl")
CARRIER_NAMES = {
    "easypost": "USPS",
    "usps": "USPS",
    "ups": "UPS",
    "fedex": "FedEx",
    "dhl": "DHLExpress",
    "": "USPS",
}
# step kind → (status, status_detail, message)
_STATUS = {
    K.LABEL: ("pre_transit", "label_created", "Shipping Label Created"),
    K.VOIDED: ("cancelled", "cancelled", "Shipment cancelled by the shipper"),
    K.PICKUP: ("in_transit", "received_at_origin_facility", "Picked up"),
    K.ORIGIN_SCAN: ("in_transit", "arrived_at_facility", "Origin scan"),
    K.DEPARTURE: ("in_transit", "departed_facility", "Departed facility"),
    K.ARRIVAL: ("in_transit", "arrived_at_facility", "Arrived at facility"),
    K.DESTINATION_SCAN: (
        "in_transit",
        "received_at_destination_facility",
        "Arrived at destination facility",
    ),
    K.RESCHEDULED: ("in_transit", "delayed", "Delayed"),
    K.EXCEPTION: ("in_transit", "weather_delay", "Weather delay"),
    K.OUT_FOR_DELIVERY: ("out_for_delivery", "out_for_delivery", "Out for delivery"),
    K.ATTEMPT_FAILED: ("in_transit", "delivery_exception", "Delivery attempted"),
    K.AT_PICKUP_POINT: ("available_for_pickup", "arrived_at_pickup_location", "Ready for pickup"),
    K.PICKED_UP: ("delivered", "arrived_at_destination", "Picked up by the recipient"),
    K.DELIVERED: ("delivered", "arrived_at_destination", "Delivered"),
    K.RETURNING: ("return_to_sender", "return", "Returning to sender"),
    K.RETURNED: ("return_to_sender", "return", "Returned to sender"),
}
_MALFORMED = '{"trackers": [{"id": "trk_'


def _error(status: int, code: str, message: str) -> Response:
    codes = {
        401: "APIKEY.REQUIRED",
        404: "NOT_FOUND",
        429: "RATE_LIMITED",
        500: "INTERNAL_SERVER_ERROR",
    }
    return jsonify(error={"code": codes.get(status, code), "message": message, "errors": []})


def decode_any(code: str, now: datetime):
    """Return (family, scenario name, started_at) for any emulator number, else None."""
    for family in FAMILIES:
        decoded = decode_tracking_number(family, code, now)
        if decoded is not None:
            return family, decoded[0], decoded[1]
    return None


def tracker_id(code: str) -> str:
    """Return the stable tracker id of a tracking code (so a restart keeps ids)."""
    return "trk_" + hashlib.sha256(code.encode()).hexdigest()[:32]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _detail(timed: TimedStep, carrier: str) -> dict:
    status, detail, message = _STATUS[timed.step.kind]
    place = timed.step.place
    return {
        "object": "TrackingDetail",
        "message": timed.step.note or message,
        "description": "",
        "status": status,
        "status_detail": detail,
        "datetime": _iso(timed.at),
        "source": carrier,
        "tracking_location": {
            "object": "TrackingLocation",
            "city": place.city.upper(),
            "state": place.region,
            "country": place.country,
            "zip": place.postal_code,
        },
    }


def render_tracker(state: EmulatorState, tracker: Tracker, now: datetime) -> dict:
    """Return the Tracker JSON for an emulated tracker as EasyPost would show it now."""
    carrier = CARRIER_NAMES[tracker.carrier]
    decoded = decode_any(tracker.tracking_code, now)
    seen = None
    if decoded is not None:
        seen = replay(SCENARIOS[decoded[1]], decoded[2], state.speed, now)
    events = seen.events if seen else ()
    status, detail = ("unknown", "unknown")
    if events:
        status, detail, _ = _STATUS[events[0].step.kind]
    delivered = next((e for e in events if e.step.kind in (K.DELIVERED, K.PICKED_UP)), None)
    promise = (seen.rescheduled or seen.scheduled) if seen else None
    updated = events[0].at if events else tracker.created_at
    return {
        "id": tracker.id,
        "object": "Tracker",
        "mode": "test",
        "tracking_code": tracker.tracking_code,
        "status": status,
        "status_detail": detail,
        "created_at": _iso(tracker.created_at),
        "updated_at": _iso(max(updated, tracker.created_at)),
        "signed_by": delivered.step.received_by if delivered else None,
        "weight": None,
        "est_delivery_date": f"{promise.isoformat()}T00:00:00Z" if promise else None,
        "shipment_id": None,
        "carrier": carrier,
        "tracking_details": [_detail(timed, carrier) for timed in reversed(events)],
        "carrier_detail": {
            "object": "CarrierDetail",
            "service": "Priority Mail" if carrier == "USPS" else "Ground",
            "est_delivery_date_local": promise.isoformat() if promise else None,
            "est_delivery_time_local": None,
            "origin_location": "RENO NV, 89502",
            "destination_location": "COLUMBUS OH, 43215",
            "guaranteed_delivery_date": None,
        },
        "finalized": status in ("delivered", "return_to_sender", "cancelled"),
        "is_return": status == "return_to_sender",
        "fees": [],
        "public_url": f"https://track.easypost.com/{tracker.id}",
    }


def _authorised() -> bool:
    auth = request.authorization
    return auth is not None and auth.type == "basic" and bool(auth.username)


def _faulty(code: str, now: datetime):
    if (answer := common.global_fault("easypost", _error, _MALFORMED)) is not None:
        return answer
    decoded = decode_any(code, now) if code else None
    if decoded is not None:
        return common.scenario_fault(SCENARIOS[decoded[1]], _error, _MALFORMED)
    return None


@bp.get("/v2/trackers")
def list_trackers():
    """List the created trackers, optionally only those for one tracking code."""
    if not _authorised():
        return _error(401, "", "API key required."), 401
    code = (request.args.get("tracking_code") or "").replace(" ", "").upper()
    now = datetime.now(UTC)
    if (answer := _faulty(code, now)) is not None:
        return answer
    state = common.state()
    with state.lock:
        trackers = [t for t in state.trackers.values() if not code or t.tracking_code == code]
    return jsonify(trackers=[render_tracker(state, t, now) for t in trackers], has_more=False)


@bp.post("/v2/trackers")
def create_tracker():
    """Create (or return the existing) tracker for a tracking code; 201."""
    if not _authorised():
        return _error(401, "", "API key required."), 401
    body = request.get_json(silent=True) or {}
    fields = body.get("tracker") if isinstance(body, dict) else None
    code = str((fields or {}).get("tracking_code") or "").replace(" ", "").upper()
    if not code:
        answer = jsonify(
            error={
                "code": "TRACKER.TRACKING_CODE.INVALID",
                "message": "Invalid tracking code.",
                "errors": [{"field": "tracking_code", "message": "must be present"}],
            }
        )
        return answer, 422
    now = datetime.now(UTC)
    if (answer := _faulty(code, now)) is not None:
        return answer
    state = common.state()
    decoded = decode_any(code, now)
    with state.lock:
        tracker = state.trackers.get(tracker_id(code))
        if tracker is None:
            tracker = Tracker(tracker_id(code), code, decoded[0] if decoded else "", now)
            state.trackers[tracker.id] = tracker
            rendered = render_tracker(state, tracker, now)
            # Webhooks report steps after creation; creation itself is this answer.
            tracker.steps_sent = len(rendered["tracking_details"])
            tracker.status_sent = rendered["status"]
    return jsonify(render_tracker(state, tracker, now)), 201


@bp.get("/v2/trackers/<tracker_id_>")
def get_tracker(tracker_id_: str):
    """Return one tracker by id, or 404."""
    if not _authorised():
        return _error(401, "", "API key required."), 401
    state = common.state()
    with state.lock:
        tracker = state.trackers.get(tracker_id_)
    if tracker is None:
        return _error(404, "", "The requested resource could not be found."), 404
    now = datetime.now(UTC)
    if (answer := _faulty(tracker.tracking_code, now)) is not None:
        return answer
    return jsonify(render_tracker(state, tracker, now))
