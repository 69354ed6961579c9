"""The agent's search box: every key finds the order, and only ever in the agent's own shop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.database import utcnow

UPS = "1Z999AA10123456784"


@pytest.fixture
def maya(acme, make_order):
    return make_order(
        acme,
        order_number="#1042",
        customer_name="Maya O'Brien-Patel",
        customer_email="Maya.Patel@Example.com",
        customer_phone="+14155550142",
        shipments=[("ups", UPS)],
    )


@pytest.fixture
def lookalike(globex, make_order):
    """Another shop's order with the same number, email, phone, tracking number and name."""
    return make_order(
        globex,
        order_number="#1042",
        customer_name="Maya O'Brien-Patel",
        customer_email="maya.patel@example.com",
        customer_phone="+14155550142",
        shipments=[("ups", UPS)],
    )


def search(client, query: str, **params) -> str:
    response = client.get("/agent/", query_string={"q": query, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def found(html: str) -> int:
    return html.count("data-result")


@pytest.mark.parametrize(
    "query",
    [
        "#1042",  # exact, with the hash
        "1042",  # exact, without it
        " # 1042 ",  # spaces and hash ignored
        "104",  # prefix
        "maya.patel@example.com",
        "MAYA.PATEL@EXAMPLE.COM ",  # case and spaces
        "+14155550142",
        "(415) 555-0142",  # any phone format
        "415.555.0142",
        "+1 415 555 0142",
        UPS,
        UPS.lower(),
        "1Z 999 AA1 0123 4567 84",  # as read out over the phone
        "maya",  # first word of the name
        "Pat",  # prefix of a later word, any case
        "obr",  # after punctuation
        "maya pat",  # two word prefixes
    ],
)
def test_each_key_finds_the_order_and_only_in_the_agents_shop(
    client, signed_in_agent, maya, lookalike, query
):
    html = search(client, query)

    assert found(html) == 1, html
    assert 'href="/agent/orders/1042"' in html
    assert "Maya O&#39;Brien-Patel" in html


def test_another_shops_orders_are_never_found(client, signed_in_agent, globex, make_order):
    make_order(
        globex,
        order_number="#7001",
        customer_name="Zed Quist",
        customer_email="zed@example.com",
        customer_phone="+14155550199",
        shipments=[("ups", "1Z999AA10123456785")],
    )
    for query in ("7001", "zed@example.com", "4155550199", "1Z999AA10123456785", "zed", "quist"):
        html = search(client, query)
        assert found(html) == 0, query
        assert "No orders match" in html


def test_a_one_letter_name_is_not_searched(client, signed_in_agent, maya):
    html = search(client, "m")

    assert found(html) == 0
    assert "Type at least 2 letters to search by name." in html


def test_accents_do_not_matter(client, signed_in_agent, acme, make_order):
    make_order(acme, order_number="#2001", customer_name="José Álvarez")

    assert found(search(client, "alv")) == 1
    assert found(search(client, "JOSÉ")) == 1


def test_an_exact_order_number_comes_before_newer_prefix_matches(
    client, signed_in_agent, acme, make_order
):
    now = utcnow()
    make_order(acme, order_number="#104", placed_at=now - timedelta(days=9))
    make_order(acme, order_number="#1041", placed_at=now - timedelta(days=1))
    make_order(acme, order_number="#1049", placed_at=now)

    html = search(client, "104")

    assert found(html) == 3
    assert html.index(">#104<") < html.index(">#1049<") < html.index(">#1041<")


def test_results_are_newest_first_25_a_page(client, signed_in_agent, acme, make_order):
    now = utcnow()
    for index in range(30):
        make_order(
            acme,
            order_number=f"A-{index:03d}",
            customer_name=f"Sam Rivera {index}",
            placed_at=now - timedelta(hours=index),
            shipments=[],
        )

    first = search(client, "rivera")
    second = search(client, "rivera", page=2)

    assert found(first) == 25 and found(second) == 5
    assert first.index(">A-000<") < first.index(">A-001<")
    assert ">A-025<" in second and ">A-025<" not in first
    assert "Older →" in first and "← Newer" in second


def test_typing_gets_just_the_results_partial(client, signed_in_agent, maya):
    response = client.get("/agent/", query_string={"q": "maya"}, headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and found(html) == 1


def test_the_plain_form_gets_the_whole_page(client, signed_in_agent, maya):
    response = client.get("/agent/?q=maya")

    html = response.get_data(as_text=True)
    assert "<html" in html and 'id="results"' in html and found(html) == 1
    assert 'value="maya"' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_empty_search_page_explains_what_to_type(client, signed_in_agent):
    html = search(client, "")

    assert "autofocus" in html and "data-search-box" in html
    assert "Search by any detail the customer gives you." in html
    assert "js/agent.js" in html


def test_signed_out_visitors_go_to_login(client):
    response = client.get("/agent/?q=maya")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["owner", "admin", "agent"])
def test_every_role_may_search(client, sign_in, acme, make_user, maya, role):
    sign_in(make_user(acme, role=role))

    assert found(search(client, "1042")) == 1
