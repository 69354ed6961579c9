"""Hostile console and page input: a NUL in any form field or URL, numbers past a column,
CSV cells no database stores — each a clear 4xx or line error, never a 500, nothing changed."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.models import AgentNote, AuditLog, Invitation, Merchant, Product

HUGE = "99999999999999999999"  # 10**20: past every INTEGER and BIGINT column


def _import(client, text: str):
    return client.post(
        "/merchant/products/import",
        data={"file": (io.BytesIO(text.encode()), "products.csv")},
        content_type="multipart/form-data",
    )


def test_csv_rows_with_priorities_past_the_column_or_nul_cells_are_reported_by_line(
    owner_client, db
):
    csv_text = (
        "sku,name,url,priority,tags,price\n"
        f"BIG,Big,https://a.test/b,{HUGE},\n"
        f"SMALL,Small,https://a.test/s,-{HUGE},\n"
        "NUL,Na\x00me,https://a.test/n,1,\n"
        "TAG,Tagged,https://a.test/t,1,ok;b\x00d\n"
        "NAN,NaN price,https://a.test/p,1,,NaN\n"
        "GOOD,Good,https://a.test/g,1000,\n"
    )
    response = _import(owner_client, csv_text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert all(f"Line {line}" in page for line in range(2, 7))
    assert page.count("priority must be between -1000 and 1000") == 2
    assert "name contains a character that can" in page
    assert "tags contains a character that can" in page
    assert "price &#39;NaN&#39; is not a number" in page
    assert list(db.session.scalars(select(Product.sku))) == ["GOOD"]


def merchant_row(db) -> tuple:
    db.session.rollback()
    return db.session.execute(select(Merchant.header_text, Merchant.settings)).one()


FORMS = [
    ("/merchant/products/new", {"sku": "S", "name": "Bad\x00Name", "url": "https://a.test"}),
    ("/merchant/branding", {"header_text": "Hello\x00", "primary_color": "#2f6b3b"}),
    ("/merchant/notifications", {"sender_name": "Acme\x00", "feedback_request_days": "7"}),
    ("/merchant/team/invitations", {"email": "new\x00@acme.test", "role": "agent"}),
    ("/merchant/notifications/templates", {"trigger": "shipped", "body": "Hi\x00"}),
    ("/agent/orders/1001/notes", {"body": "Called\x00 the shopper"}),
    ("/password/change", {"current": "x\x00", "password": "y", "confirm": "y"}),
]


@pytest.mark.parametrize(("path", "form"), FORMS, ids=[path for path, _ in FORMS])
def test_a_nul_in_any_console_form_field_is_a_422_naming_it(
    owner_client, db, acme, make_order, path, form
):
    make_order(acme, order_number="#1001")
    before = merchant_row(db)
    response = owner_client.post(path, data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = next(name for name, value in form.items() if "\x00" in value)
    assert f"{field}: contains a character that can" in page
    assert merchant_row(db) == before
    for model in (Product, AgentNote, Invitation, AuditLog):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/login", {"email": "owner@acme.test\x00", "password": "x"}),
        ("/password/forgot", {"email": "owner@acme.test\x00"}),
        ("/acme/track", {"order_number": "1001\x00", "contact": "maya@example.com"}),
    ],
)
def test_a_nul_in_a_public_form_is_a_422_naming_it(client, db, acme, make_order, path, form):
    make_order(acme, order_number="#1001")
    response = client.post(path, data=form)
    assert response.status_code == 422
    field = next(name for name, value in form.items() if "\x00" in value)
    assert f"{field}: contains a character that can" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/agent/?q=A%00B", "/agent/orders/A%00B", "/acme%00/track", "/merchant/products?q=%00"],
)
def test_a_nul_in_a_url_is_a_422_not_a_500(owner_client, db, path):
    response = owner_client.get(path)
    assert response.status_code == 422
    assert "contains a character that can" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"/merchant/products/{HUGE}", 404),
        ("POST", f"/merchant/products/{HUGE}/toggle", 404),
        ("POST", f"/merchant/team/{HUGE}/remove", 404),
        ("POST", f"/agent/orders/1001/shipments/{HUGE}/refresh", 404),
        ("GET", f"/merchant/products?page={HUGE}", 200),
        ("GET", f"/merchant/audit?before={HUGE}", 200),
        ("GET", f"/agent/?q=maya&page={HUGE}", 200),
    ],
)
def test_numbers_past_a_column_in_a_url_are_a_404_or_ignored(
    owner_client, db, acme, make_order, method, path, status
):
    make_order(acme, order_number="#1001")
    response = owner_client.open(path, method=method)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/merchant/notifications/templates", {}),
        ("/merchant/notifications/templates/preview", {"channel": "sms"}),
        ("/merchant/notifications/templates/test", {"trigger": "nope", "channel": "x"}),
        ("/merchant/branding", {}),
    ],
)
def test_a_console_post_missing_its_choices_is_a_422_not_a_500(owner_client, db, path, form):
    before = merchant_row(db)
    response = owner_client.post(path, data=form)
    assert response.status_code == 422
    assert merchant_row(db) == before
