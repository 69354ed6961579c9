"""API endpoints: create and read orders, add shipments."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort, g, request
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from portal.blueprints.api import bp
from portal.blueprints.api.schemas import OrderIn, ShipmentIn, field_errors
from portal.blueprints.api.serializers import order_json, shipment_summary_json
from portal.database import begin_write, utcnow, write_after_reads
from portal.extensions import db
from portal.jobs import wake_dispatcher
from portal.models import Merchant
from portal.services import orders
from portal.services.api_keys import authenticate_api_key, needs_touch, touch_api_key
from portal.services.links import tracking_url
from portal.services.outbox import queue_order_confirmed
from portal.web.errors import json_error
from portal.web.input import json_error_message, load_json, unstorable_fields


def api_key_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, raw_key = request.headers.get("Authorization", "").partition(" ")
        api_key = authenticate_api_key(raw_key.strip()) if scheme.lower() == "bearer" else None
        if api_key is None:
            response = json_error(401, "unauthorized", "A valid API key is required.")
            response.headers["WWW-Authenticate"] = 'Bearer realm="porchlight"'
            return response
        api_key_id, merchant_id, now = api_key.id, api_key.merchant_id, utcnow()
        if needs_touch(api_key, now):
            write_after_reads(lambda: touch_api_key(api_key_id, now))
        g.merchant = db.session.get(Merchant, merchant_id)
        return view(*args, **kwargs)

    return wrapper


def json_body(list_key: str | None = None) -> dict[str, Any]:
    """The request's JSON object, or abort with an error response: 400 for malformed, too
    deeply nested or non-object bodies, 422 naming each text no database can store. With
    `list_key`, a bare list stands for {list_key: [...]}."""
    try:
        payload = load_json(request.get_data())
    except ValueError as error:
        abort(json_error(400, "invalid_json", json_error_message(error)))
    if list_key and isinstance(payload, list):
        payload = {list_key: payload}
    if not isinstance(payload, dict):
        shape = f'{{"{list_key}": [...]}} or a list' if list_key else "a JSON object"
        abort(json_error(400, "invalid_json", f"The request body must be {shape}."))
    unstorable = unstorable_fields(payload)
    if unstorable:
        abort(json_error(422, "invalid", "Some fields are invalid.", unstorable))
    return payload


def validation_error(error: ValidationError):
    return json_error(422, "invalid", "Some fields are invalid.", field_errors(error))


def _order_data(body: OrderIn) -> orders.OrderData:
    address = body.shipping_address
    return orders.OrderData(
        order_number=body.order_number,
        placed_at=body.placed_at,
        currency=body.currency.upper() if body.currency else None,
        total=body.total,
        customer_name=body.customer.name,
        customer_email=body.customer.email,
        customer_phone=body.customer.phone,
        customer_locale=body.customer.locale,
        sms_opt_in=body.customer.sms_opt_in,
        ship_line1=address.line1 if address else None,
        ship_city=address.city if address else None,
        ship_region=address.region if address else None,
        ship_postal_code=address.postal_code if address else None,
        ship_country=address.country if address else None,
        items=[orders.ItemData(**item.model_dump()) for item in body.items],
        shipments=[_shipment_data(shipment) for shipment in body.shipments],
    )


def _shipment_data(body: ShipmentIn) -> orders.ShipmentData:
    return orders.ShipmentData(body.tracking_number, body.carrier, body.items)


@bp.post("/orders")
@api_key_required
def create_order():
    payload = json_body()
    try:
        body = OrderIn.model_validate(payload)
    except ValidationError as error:
        return validation_error(error)
    begin_write()
    try:
        order = orders.create_order(g.merchant, _order_data(body))
        confirmations = queue_order_confirmed(order, utcnow())
        db.session.commit()
    except orders.OrderExists:
        db.session.rollback()
        return json_error(409, "order_exists", f"Order {body.order_number} already exists.")
    except orders.ShipmentRejected as error:
        db.session.rollback()
        return json_error(422, "invalid", "Some fields are invalid.", error.fields)
    except IntegrityError:
        db.session.rollback()  # a concurrent request created the same order first
        return json_error(409, "order_exists", f"Order {body.order_number} already exists.")
    if confirmations:
        wake_dispatcher()  # the confirmation goes out now, not at the next sweep
    return {
        "order_number": order.order_number,
        "tracking_url": tracking_url(order),
        "shipments": [shipment_summary_json(shipment) for shipment in order.shipments],
    }, 201


@bp.get("/orders/<order_number>")
@api_key_required
def get_order(order_number: str):
    order = orders.get_order(g.merchant, order_number)
    if order is None:
        return json_error(404, "not_found", f"No order {order_number}.")
    return order_json(order)


@bp.post("/orders/<order_number>/shipments")
@api_key_required
def add_shipment(order_number: str):
    payload = json_body()
    try:
        body = ShipmentIn.model_validate(payload)
    except ValidationError as error:
        return validation_error(error)
    begin_write()
    order = orders.get_order(g.merchant, order_number)
    if order is None:
        return json_error(404, "not_found", f"No order {order_number}.")
    try:
        shipment = orders.add_shipment(order, _shipment_data(body))
        db.session.commit()
    except orders.ShipmentRejected as error:
        db.session.rollback()
        return json_error(422, "invalid", "Some fields are invalid.", error.fields)
    return shipment_summary_json(shipment), 201
