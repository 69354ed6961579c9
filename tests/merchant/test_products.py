"""The product catalogue: add, search, disable, and CSV import with every bad row reported."""

from __future__ import annotations

import io

from portal.models import AuditLog, Product

CSV = """sku,name,url,price,category,tags,priority,active
TENT-2P,Trail Tent 2P,https://acme.test/tent,249.00,Tents,camping;tents,5,yes
LAMP,Headlamp,https://acme.test/lamp,not-a-price,Lights,,0,yes
,No SKU,https://acme.test/x,1,,,,
BAG,Sleeping Bag,javascript:alert(1),80,,,,
TENT-2P,Duplicate,https://acme.test/dup,1,,,,
MUG,Camp Mug,https://acme.test/mug,12.5,Kitchen,,x,yes
STOVE,Stove,https://acme.test/stove,89,Kitchen,,2,no
"""


def _import(client, text: str):
    return client.post(
        "/merchant/products/import",
        data={"file": (io.BytesIO(text.encode()), "products.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_reports_every_bad_row_by_line_and_imports_the_good_ones(owner_client, acme, db):
    response = _import(owner_client, CSV)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 added, 0 updated" in html
    for line, words in (
        (3, "price &#39;not-a-price&#39; is not a number"),
        (4, "sku is missing"),
        (5, "url must start with http:// or https://"),
        (6, "sku TENT-2P is already on line 2"),
        (7, "priority &#39;x&#39; is not a whole number"),
    ):
        assert f"Line {line}: {words}" in html
    products = {p.sku: p for p in db.session.query(Product).filter_by(merchant_id=acme.id)}
    assert set(products) == {"TENT-2P", "STOVE"}
    assert products["TENT-2P"].tags == ["camping", "tents"] and products["TENT-2P"].priority == 5
    assert products["STOVE"].active is False
    assert db.session.query(AuditLog).filter_by(action="product.imported").count() == 1


def test_reimport_updates_by_sku(owner_client, acme, db):
    _import(owner_client, CSV)
    response = _import(owner_client, "sku,name,url\nTENT-2P,Trail Tent 2P v2,https://acme.test/t\n")

    assert "0 added, 1 updated" in response.get_data(as_text=True)
    assert db.session.query(Product).filter_by(sku="TENT-2P").one().name == "Trail Tent 2P v2"


def test_csv_without_the_required_columns_imports_nothing(owner_client, db):
    response = _import(owner_client, "name,price\nTent,1\n")

    assert "needs the column(s): sku, url" in response.get_data(as_text=True)
    assert db.session.query(Product).count() == 0


def test_add_edit_search_and_disable_a_product(owner_client, acme, db):
    added = owner_client.post(
        "/merchant/products/new",
        data={
            "sku": "MUG",
            "name": "Camp Mug",
            "url": "https://acme.test/mug",
            "price": "12.50",
            "priority": "3",
            "active": "y",
        },
    )
    assert added.status_code == 303
    mug = db.session.query(Product).one()

    owner_client.post(
        f"/merchant/products/{mug.id}",
        data={
            "sku": "MUG",
            "name": "Enamel Mug",
            "url": "https://acme.test/mug",
            "priority": "9",
            "active": "y",
        },
    )
    found = owner_client.get("/merchant/products?q=enamel", headers={"HX-Request": "true"})
    missing = owner_client.get("/merchant/products?q=tent").get_data(as_text=True)
    owner_client.post(f"/merchant/products/{mug.id}/toggle")

    assert "Enamel Mug" in found.get_data(as_text=True)
    assert "<html" not in found.get_data(as_text=True)  # the htmx partial only
    assert "No product matches" in missing
    db.session.expire_all()
    assert db.session.get(Product, mug.id).active is False
    assert db.session.get(Product, mug.id).priority == 9


def test_duplicate_sku_in_the_form_is_refused(owner_client, acme, db):
    data = {"sku": "MUG", "name": "Mug", "url": "https://acme.test/mug", "priority": "0"}
    owner_client.post("/merchant/products/new", data=data)

    response = owner_client.post("/merchant/products/new", data=data)

    assert response.status_code == 422
    assert "already in the catalogue" in response.get_data(as_text=True)
