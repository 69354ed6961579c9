"""Hostile API input gets a 4xx naming the field and changes nothing: deep nesting, numbers
past a column's range, NUL and lone surrogates, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import pytest
from flask import request
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest

from carriers.easypost_parse import SIGNATURE_HEADER, webhook_signature
from portal.models import Order, Product
from tests.api.test_orders import ORDER

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECTS = '{"a":' * 50_000 + "1" + "}" * 50_000
EASYPOST_SECRET = "whsec-bad-input"


@pytest.fixture
def app(make_app):
    return make_app(CARRIER_EASYPOST_WEBHOOK_SECRET=EASYPOST_SECRET)


@pytest.fixture
def api(client, acme, make_api_key):
    key = make_api_key(acme)

    def call(method: str, path: str, body: str | bytes | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        return client.open(f"/api/v1{path}", method=method, data=body, headers=headers, **kwargs)

    return call


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECTS], ids=["arrays", "objects"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/orders"), ("POST", "/orders/1001/shipments"), ("PUT", "/products")],
)
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(
    api, db, acme, make_order, method, path, body
):
    make_order(acme, order_number="#1001")
    response = api(method, path, body)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"
    assert "nested" in response.json["error"]["message"]


def test_json_nested_as_deep_as_a_real_order_is_still_fine(api, db):
    assert api("POST", "/orders", json.dumps(ORDER)).status_code == 201


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECTS], ids=["arrays", "objects"])
def test_a_signed_but_deeply_nested_easypost_delivery_is_a_400(client, body):
    raw = body.encode()
    response = client.post(
        "/hooks/carriers/easypost",
        data=raw,
        headers={
            SIGNATURE_HEADER: webhook_signature(EASYPOST_SECRET, raw),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2**63, "less than or equal to 2147483647"),
        (2**31, "less than or equal to 2147483647"),
        (-1, "greater than or equal to 0"),
    ],
)
def test_popularity_past_the_column_is_a_422_naming_it(api, db, value, message):
    body = {"products": [{"sku": "MAT", "name": "Mat", "url": "https://a.test/m"}]}
    body["products"][0]["popularity"] = value
    response = api("PUT", "/products", json.dumps(body))
    assert response.status_code == 422
    assert message in response.json["error"]["fields"]["products.0.popularity"]
    assert count(db, Product) == 0


def test_the_largest_popularity_the_column_holds_is_stored(api, db):
    body = [{"sku": "MAT", "name": "Mat", "url": "https://a.test/m", "popularity": 2**31 - 1}]
    assert api("PUT", "/products", json.dumps(body)).status_code == 200
    assert db.session.scalar(select(Product.popularity)) == 2**31 - 1


NUL = "A\u0000B"
SURROGATE = "A\ud800B"


def with_value(path: str, value: str) -> dict:
    """ORDER with the text at the dotted `path` replaced by `value`."""
    body = json.loads(json.dumps(ORDER))
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return body


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    "path",
    ["order_number", "customer.name", "shipping_address.city", "items.1.name", "items.0.sku"],
)
def test_text_a_database_cannot_store_is_a_422_naming_the_field(api, db, path, bad):
    response = api("POST", "/orders", json.dumps(with_value(path, bad)))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert "can't be stored" in response.json["error"]["fields"][path]
    assert count(db, Order) == 0


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_products_and_shipments_refuse_unstorable_text_too(api, db, acme, make_order, bad):
    make_order(acme, order_number="#1001")
    tags = [{"sku": "MAT", "name": "Mat", "url": "https://a.test/m", "tags": ["ok", bad]}]
    answer = api("PUT", "/products", json.dumps(tags))
    assert answer.status_code == 422
    assert list(answer.json["error"]["fields"]) == ["products.0.tags.1"]
    shipment = {"tracking_number": "1Z999AA10123456784", "carrier": "ups", "items": [bad]}
    answer = api("POST", "/orders/1001/shipments", json.dumps(shipment))
    assert answer.status_code == 422
    assert list(answer.json["error"]["fields"]) == ["items.0"]
    assert count(db, Product) == 0


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/orders/A%00B"), ("POST", "/orders/A%00B/shipments")]
)
def test_a_nul_in_the_order_number_path_is_a_422_naming_it(api, db, method, path):
    body = json.dumps({"tracking_number": "1Z999AA10123456784", "carrier": "ups"})
    response = api(method, path, body if method == "POST" else None)
    assert response.status_code == 422
    assert "order_number" in response.json["error"]["fields"]


def test_a_signed_easypost_delivery_with_a_nul_is_a_400_naming_the_field(client, db):
    tracker = {"tracking_code": "EZ1\u0000", "status": "in_transit", "tracking_details": []}
    raw = json.dumps({"description": "tracker.updated", "result": tracker}).encode()
    response = client.post(
        "/hooks/carriers/easypost",
        data=raw,
        headers={SIGNATURE_HEADER: webhook_signature(EASYPOST_SECRET, raw)},
    )
    assert response.status_code == 400
    assert list(response.json["error"]["fields"]) == ["result.tracking_code"]


@pytest.mark.parametrize("placed_at", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_placed_at_that_leaves_the_calendar_in_utc_is_a_422_naming_it(api, db, placed_at):
    response = api("POST", "/orders", json.dumps({**ORDER, "placed_at": placed_at}))
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"placed_at": "is out of range"}
    assert count(db, Order) == 0


def test_every_get_json_in_the_app_is_depth_bounded(app):
    with app.test_request_context("/", method="POST", data=DEEP, content_type="application/json"):
        assert request.get_json(silent=True) is None
        with pytest.raises(BadRequest):
            request.get_json()
