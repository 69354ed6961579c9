"""The lookup form: order number plus email, phone or postal code, and nothing else."""

from __future__ import annotations

import re

import pytest

from portal.database import utcnow
from tests.web.helpers import recorded_statements

NOT_FOUND = "We couldn&#39;t find an order with that number"


@pytest.fixture
def acme(make_merchant):
    return make_merchant("acme", "Acme Outdoor", support_email="help@acme.test")


@pytest.fixture
def order(acme, make_order):
    return make_order(
        acme,
        order_number="#1042",
        customer_email="Maya.Patel@Example.com",
        customer_phone="+14155550142",
        ship_postal_code="sw1a 1aa",
        ship_country="US",
    )


def lookup(client, order_number: str, contact: str, slug: str = "acme"):
    return client.post(f"/{slug}/track", data={"order_number": order_number, "contact": contact})


def test_lookup_page_has_the_two_labelled_fields(client, acme):
    response = client.get("/acme/track")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="order_number">Order number</label>' in html
    assert '<label for="contact">Email, phone or postal code</label>' in html
    assert "Track your order" in html
    assert "help@acme.test" in html


def test_unknown_merchant_lookup_is_404(client, acme):
    assert client.get("/nobody/track").status_code == 404


@pytest.mark.parametrize("number", ["#1042", "1042", " # 10 42 ", "#1042"])
@pytest.mark.parametrize(
    "contact", ["maya.patel@example.com", " MAYA.PATEL@EXAMPLE.COM ", "SW1A1AA", "sw1a 1aa"]
)
def test_matching_pair_redirects_to_the_tracking_page(client, order, number, contact):
    response = lookup(client, number, contact)

    assert response.status_code == 303
    token = order.active_link.token
    assert response.headers["Location"] == f"/acme/orders/{token}?src=lookup"


@pytest.mark.parametrize("phone", ["(415) 555-0142", "+1 415 555 0142", "415.555.0142"])
def test_phone_matches_after_e164_normalisation(client, order, phone):
    assert lookup(client, "1042", phone).status_code == 303


def test_the_redirect_counts_a_lookup_page_view(client, db, order):
    from portal.models import PageView

    location = lookup(client, "1042", "maya.patel@example.com").headers["Location"]
    client.get(location)

    assert [v.source for v in db.session.query(PageView)] == ["lookup"]


def test_wrong_email_gets_the_same_answer_as_unknown_order(client, order):
    wrong_pair = lookup(client, "#1042", "someone@example.com")
    unknown = lookup(client, "#9999", "maya.patel@example.com")

    assert wrong_pair.status_code == unknown.status_code == 422
    strip = re.compile(r'nonce="[^"]+"|value="[^"]*"')
    assert strip.sub("", wrong_pair.get_data(as_text=True)) == strip.sub(
        "", unknown.get_data(as_text=True)
    )
    assert NOT_FOUND in wrong_pair.get_data(as_text=True)


def test_wrong_pair_and_unknown_order_do_the_same_database_work(app, client, order):
    with recorded_statements(app) as wrong:
        lookup(client, "#1042", "not-her@example.com")
    with recorded_statements(app) as unknown:
        lookup(client, "#9999", "maya.patel@example.com")

    assert wrong == unknown


def test_another_merchants_order_is_not_found(client, make_merchant, make_order, order):
    globex = make_merchant("globex", "Globex")

    assert lookup(client, "#1042", "maya.patel@example.com", slug="globex").status_code == 422
    assert globex.id != order.merchant_id


def test_empty_fields_are_explained_above_the_form(client, acme):
    response = lookup(client, "", "")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert" id="form-errors"' in html
    assert "Enter your order number." in html
    assert html.index("form-errors") < html.index("<form")


def test_lookup_needs_a_csrf_token(make_app, order):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    response = client.post(
        "/acme/track", data={"order_number": "1042", "contact": "maya.patel@example.com"}
    )

    assert response.status_code == 400


def test_lookup_after_every_link_was_revoked_issues_a_new_one(client, db, order):
    old = order.active_link.token
    order.active_link.revoked_at = utcnow()
    db.session.commit()

    location = lookup(client, "1042", "maya.patel@example.com").headers["Location"]

    assert old not in location
    assert client.get(location).status_code == 200


def test_lookups_are_rate_limited_with_a_branded_page(make_app, order):
    client = make_app(RATELIMIT_ENABLED=True).test_client()

    answers = [lookup(client, "#1042", f"guess{n}@example.com").status_code for n in range(9)]

    assert answers[:8] == [422] * 8
    assert answers[8] == 429
    limited = lookup(client, "#1042", "maya.patel@example.com")
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert "Too many attempts" in html and "Acme Outdoor" in html
    assert int(limited.headers["Retry-After"]) > 0
    # Another order number from the same address still gets through until the IP limit.
    assert lookup(client, "#2000", "x@example.com").status_code == 422
    assert client.get("/acme/track").status_code == 200


def test_lookup_page_speaks_the_shoppers_language(client, acme):
    html = client.get("/acme/track", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(
        as_text=True
    )

    assert 'lang="es"' in html
    assert "Sigue tu pedido" in html
    assert "Número de pedido" in html
