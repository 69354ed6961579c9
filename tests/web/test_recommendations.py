"""Recommended products: related, not bought, best first; clicks counted, never open redirects."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import event, select

from portal.extensions import db as _db
from portal.models import Product, ProductClick
from portal.services.recommendations import CLICK_SALT, recommend_products


@pytest.fixture
def order(acme, make_order):
    return make_order(
        acme,
        order_number="#1042",
        items=[{"name": "Trail Tent 2P", "sku": "TENT-2P"}],
        currency="USD",
    )


def add_products(db, merchant, *rows):
    for row in rows:
        fields = {"url": f"https://acme.test/p/{row['sku'].lower()}", "name": row["sku"]}
        fields.update(row)
        db.session.add(Product(merchant_id=merchant.id, **fields))
    db.session.commit()


def page_html(client, order) -> str:
    return client.get(f"/acme/orders/{order.active_link.token}").get_data(as_text=True)


def click_links(html: str) -> list[str]:
    return re.findall(r'href="(/r/[^"]+)"', html)


def test_related_products_best_first_without_what_was_bought(db, acme, order, make_merchant):
    globex = make_merchant("globex", "Globex")
    add_products(
        db,
        acme,
        {"sku": "TENT-2P", "category": "tents", "tags": ["camping", "3-season"]},
        {"sku": "TENT-3P", "category": "tents", "priority": 1},
        {"sku": "MAT", "category": "sleeping", "tags": ["camping"], "popularity": 50},
        {"sku": "STOVE", "category": "kitchen", "tags": ["camping"], "popularity": 10},
        {"sku": "FOOTPRINT", "category": "tents", "priority": 5},
        {"sku": "OLD-TENT", "category": "tents", "active": False, "priority": 9},
        {"sku": "SOCKS", "category": "clothing", "popularity": 999},
        {"sku": "LAMP", "category": "lighting", "tags": ["camping"], "popularity": 5},
    )
    add_products(db, globex, {"sku": "RIVAL", "category": "tents", "priority": 100})

    chosen = [p.sku for p in recommend_products(order)]

    assert chosen == ["FOOTPRINT", "TENT-3P", "MAT", "STOVE"]


def test_without_related_products_the_best_ones_are_offered(db, acme, order):
    add_products(db, acme, {"sku": "SOCKS", "popularity": 3}, {"sku": "HAT", "popularity": 9})

    assert [p.sku for p in recommend_products(order)] == ["HAT", "SOCKS"]


def test_the_section_is_hidden_when_the_catalogue_is_empty(client, order):
    html = page_html(client, order)

    assert "You might also like" not in html
    assert click_links(html) == []


def test_the_page_shows_image_name_and_price(client, db, acme, order):
    add_products(
        db,
        acme,
        {
            "sku": "MAT",
            "name": "Sleeping Mat",
            "price": Decimal("49.50"),
            "image_url": "https://cdn.acme.test/mat.jpg",
        },
    )

    html = page_html(client, order)

    assert "You might also like" in html
    assert "Sleeping Mat" in html and "$49.50" in html
    assert 'src="https://cdn.acme.test/mat.jpg"' in html and 'loading="lazy"' in html
    assert "acme.test/p/mat" not in html  # only through the counted redirect


def test_a_click_is_counted_and_redirected_to_the_product(client, db, acme, order):
    add_products(db, acme, {"sku": "MAT", "url": "https://acme.test/mat?ref=1"})
    link = click_links(page_html(client, order))[0]

    response = client.get(link)

    assert response.status_code == 302
    assert response.headers["Location"] == "https://acme.test/mat?ref=1"
    db.session.expire_all()
    assert db.session.scalars(select(Product.clicks)).one() == 1
    click = db.session.scalars(select(ProductClick)).one()
    assert (click.merchant_id, click.order_id) == (acme.id, order.id)


def test_a_tampered_link_is_404_and_counts_nothing(client, db, acme, order):
    add_products(db, acme, {"sku": "MAT"})
    link = click_links(page_html(client, order))[0]

    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 404
    assert client.get("/r/not-signed-at-all").status_code == 404
    assert db.session.scalars(select(ProductClick)).all() == []


def test_a_link_signed_with_another_key_is_404(client, app, db, acme, order):
    add_products(db, acme, {"sku": "MAT"})
    product_id = db.session.scalars(select(Product.id)).one()
    forged = URLSafeSerializer("some-other-secret", salt=CLICK_SALT).dumps(
        {"m": acme.id, "p": product_id, "o": order.id}
    )

    assert client.get(f"/r/{forged}").status_code == 404


def test_a_link_mixing_merchants_is_404(client, app, db, acme, order, make_merchant):
    globex = make_merchant("globex", "Globex")
    add_products(db, globex, {"sku": "RIVAL", "url": "https://globex.test/rival"})
    product_id = db.session.scalars(select(Product.id)).one()
    signed = URLSafeSerializer(app.config["SECRET_KEY"], salt=CLICK_SALT).dumps(
        {"m": acme.id, "p": product_id, "o": order.id}
    )

    assert client.get(f"/r/{signed}").status_code == 404


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.test/x", "data:text/html,hi"])
def test_only_http_product_urls_are_followed(client, db, acme, order, url):
    add_products(db, acme, {"sku": "MAT", "url": url})
    links = click_links(page_html(client, order))

    assert links and client.get(links[0]).status_code == 404


def test_choosing_products_takes_the_same_few_queries_for_any_catalogue(app, db, acme, order):
    statements: list[str] = []
    event.listen(_db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    add_products(db, acme, {"sku": "TENT-2P", "category": "tents", "tags": ["camping"]})
    statements.clear()
    recommend_products(order)
    small = [s for s in statements if "FROM products" in s]

    add_products(db, acme, *({"sku": f"P{n}", "category": "tents"} for n in range(300)))
    statements.clear()
    recommend_products(order)
    large = [s for s in statements if "FROM products" in s]

    assert len(large) == len(small) == 3


def test_the_best_products_are_remembered_until_the_catalogue_changes(app, db, acme, order):
    statements: list[str] = []
    add_products(db, acme, {"sku": "MUG", "name": "Camp Mug", "priority": 1})
    event.listen(_db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def product_queries() -> int:
        statements.clear()
        chosen = [p.sku for p in recommend_products(order)]
        return chosen, len([s for s in statements if "FROM products" in s])

    first, first_queries = product_queries()
    again, again_queries = product_queries()
    assert first == again == ["MUG"]
    assert again_queries == first_queries - 1  # the best products are not read again

    add_products(db, acme, {"sku": "HAT", "name": "Sun Hat", "priority": 5})
    db.session.refresh(acme)

    assert product_queries() == (["HAT", "MUG"], first_queries)
