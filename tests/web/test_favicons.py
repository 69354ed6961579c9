"""Icons: the shop's own on its shoppers' pages (or none), Porchlight's on its own pages."""

from __future__ import annotations

import io

from PIL import Image


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "#2f6b3b").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_shop_without_an_icon_asks_the_browser_for_none(client, acme, make_order):
    order = make_order(acme)
    html = client.get(f"/acme/orders/{order.active_link.token}").get_data(as_text=True)

    assert '<link rel="icon" href="data:,">' in html
    assert "porchlight-icon.svg" not in html
    assert client.get("/acme/favicon").status_code == 404


def test_a_shops_icon_is_linked_and_served_inert(client, db, acme, make_order):
    acme.favicon = png_bytes()
    acme.favicon_content_type = "image/png"
    db.session.commit()
    order = make_order(acme)

    html = client.get(f"/acme/orders/{order.active_link.token}").get_data(as_text=True)
    icon = client.get("/acme/favicon")

    assert '<link rel="icon" type="image/png" href="/acme/favicon">' in html
    assert icon.status_code == 200 and icon.data == png_bytes()
    assert icon.headers["Content-Type"] == "image/png"
    assert icon.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in icon.headers["Content-Security-Policy"]


def test_porchlights_own_pages_carry_its_icon(client):
    html = client.get("/login").get_data(as_text=True)
    icon = client.get("/static/img/porchlight-icon.svg")

    assert 'href="/static/img/porchlight-icon.svg"' in html
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
