"""PUT /api/v1/products: upsert the catalogue by SKU, with field errors by dotted path."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.models import Product


@pytest.fixture
def headers(acme, make_api_key):
    return {"Authorization": f"Bearer {make_api_key(acme)}"}


def product(sku: str, **fields) -> dict:
    return {"sku": sku, "name": f"Product {sku}", "url": f"https://acme.test/{sku}", **fields}


def test_products_are_created_then_updated_by_sku(client, db, acme, headers):
    first = client.put(
        "/api/v1/products",
        json={
            "products": [
                product(
                    "MAT",
                    price="49.50",
                    category="sleeping",
                    tags=["camping"],
                    image_url="https://cdn.acme.test/mat.jpg",
                ),
                product("STOVE", active=False),
            ]
        },
        headers=headers,
    )

    assert first.status_code == 200
    assert first.get_json() == {"created": 2, "updated": 0}

    second = client.put(
        "/api/v1/products",
        json=[product("MAT", name="Sleeping Mat"), product("LAMP")],
        headers=headers,
    )

    assert second.get_json() == {"created": 1, "updated": 1}
    rows = {p.sku: p for p in db.session.scalars(select(Product))}
    assert set(rows) == {"MAT", "STOVE", "LAMP"}
    mat = rows["MAT"]
    assert (mat.name, mat.price, mat.category, mat.tags) == (
        "Sleeping Mat",
        Decimal("49.50"),
        "sleeping",
        ["camping"],
    )  # fields left out of an update keep their values
    assert rows["STOVE"].active is False
    assert all(p.merchant_id == acme.id for p in rows.values())


def test_the_same_sku_of_another_merchant_is_separate(
    client, db, make_merchant, make_api_key, headers
):
    globex_key = make_api_key(make_merchant("globex", "Globex"))
    client.put("/api/v1/products", json=[product("MAT")], headers=headers)

    answer = client.put(
        "/api/v1/products",
        json=[product("MAT", name="Globex mat")],
        headers={"Authorization": f"Bearer {globex_key}"},
    )

    assert answer.get_json() == {"created": 1, "updated": 0}
    assert sorted(db.session.scalars(select(Product.name))) == ["Globex mat", "Product MAT"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            {"products": [product("A"), {"sku": "B", "name": "B", "url": "ftp://x"}]},
            "products.1.url",
        ),
        ({"products": [product("A", url="javascript:alert(1)")]}, "products.0.url"),
        ({"products": [product("A", price="-1")]}, "products.0.price"),
        ({"products": [product("A", tags="camping")]}, "products.0.tags"),
        ({"products": [product("A", colour="red")]}, "products.0.colour"),
        ({"products": [{"name": "no sku", "url": "https://a.test"}]}, "products.0.sku"),
        ({"products": [product("A"), product("A")]}, "products.1.sku"),
        ({"items": []}, "products"),
    ],
)
def test_bad_products_get_field_errors_and_change_nothing(client, db, headers, body, path):
    response = client.put("/api/v1/products", json=body, headers=headers)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert path in error["fields"]
    assert db.session.scalars(select(Product)).all() == []


def test_malformed_json_is_a_400(client, headers):
    response = client.put(
        "/api/v1/products", data="{nope", headers={**headers, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_products_need_an_api_key(client, acme):
    assert client.put("/api/v1/products", json=[product("A")]).status_code == 401
