"""The lookup form: order number plus email, phone or postal code, and nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

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


def lookup(client, order_number: str, contact: str, slug: str = "acme", address: str | None = None):
    data = {"order_number": order_number, "contact": contact}
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post(f"/{slug}/track", data=data, environ_base=environ)


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


def test_a_strangers_guesses_do_not_lock_the_shopper_out(make_app, order):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    stranger, shopper = "198.51.100.1", "203.0.113.5"

    guesses = [lookup(client, "#1042", f"g{n}@x.test", address=stranger) for n in range(9)]

    assert [answer.status_code for answer in guesses] == [422] * 8 + [429]
    assert lookup(client, "#1042", "maya.patel@example.com", address=shopper).status_code == 303


@pytest.mark.parametrize("number", ["#1042", "#9999"])
def test_past_a_numbers_ceiling_only_clients_that_have_not_missed_are_answered(
    make_app, order, number
):
    """30 misses an hour on one number from every client: then each address that already
    missed on it waits, and one that has not still gets the ordinary answer (so a shopper
    with the right pair gets in, and a guesser needs a new address for every guess)."""
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    with time_machine.travel(utcnow(), tick=False) as clock:
        misses = [
            lookup(client, number, "g@x.test", address=f"198.51.100.{n}").status_code
            for n in range(1, 31)
        ]
        again = lookup(client, number, "maya.patel@example.com", address="198.51.100.1")
        fresh_miss = lookup(client, number, "g@x.test", address="203.0.113.1").status_code
        fresh_again = lookup(client, number, "g@x.test", address="203.0.113.1").status_code
        fresh_match = lookup(client, number, "maya.patel@example.com", address="203.0.113.2")
        clock.shift(timedelta(hours=1, seconds=1))
        after_an_hour = lookup(client, number, "g@x.test", address="198.51.100.1").status_code

    assert misses == [422] * 30
    assert again.status_code == 429 and 0 < int(again.headers["Retry-After"]) <= 3600
    assert "Too many attempts" in again.get_data(as_text=True)
    assert (fresh_miss, fresh_again) == (422, 429)
    assert fresh_match.status_code == (303 if number == "#1042" else 422)
    assert after_an_hour == 422


def test_lookup_page_speaks_the_shoppers_language(client, acme):
    html = client.get("/acme/track", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(
        as_text=True
    )

    assert 'lang="es"' in html
    assert "Sigue tu pedido" in html
    assert "Número de pedido" in html
