"""Request size limits hold with CSRF protection on, which reads the form before any view."""

import io
import re

import pytest

PASSWORD = "correct horse battery"


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def signed_in(make_app, owner):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    return client


def test_an_oversized_form_is_refused_before_it_is_read(make_app, owner):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    padding = "x" * (5 * 1024 * 1024)
    response = client.post(
        "/login",
        data={"email": owner.email, "password": PASSWORD, "csrf_token": token, "pad": padding},
    )
    assert response.status_code == 413
    assert "That upload is too large." in response.get_data(as_text=True)


def test_a_csv_over_its_limit_is_refused_with_csrf_on(signed_in):
    token = _token(signed_in.get("/merchant/products").get_data(as_text=True))
    csv = b"sku,name,url\n" + b"A,B,https://shop.test/a\n" * 200_000  # ~4.6 MB
    response = signed_in.post(
        "/merchant/products/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv), "products.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_a_logo_over_the_default_limit_reaches_the_branding_page_for_its_own_message(
    signed_in,
):
    page = signed_in.get("/merchant/branding").get_data(as_text=True)
    logo = io.BytesIO(b"\x89PNG" + b"\0" * (6 * 1024 * 1024))  # over 4 MB, under 12 MB
    response = signed_in.post(
        "/merchant/branding",
        data={"csrf_token": _token(page), "logo": (logo, "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "That upload is too large." not in response.get_data(as_text=True)  # the form page
