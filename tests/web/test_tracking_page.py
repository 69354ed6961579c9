"""The shopper's tracking page: who may see it, what it says, what it records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.database import utcnow
from portal.models import PageView
from portal.services.links import issue_tracking_link
from tests.web.helpers import EASTERN, set_tracking


def path_of(order) -> str:
    return f"/{order.merchant.slug}/orders/{order.active_link.token}"


@pytest.fixture
def acme(make_merchant):
    return make_merchant("acme", "Acme Outdoor", primary_color="#2f6b3b")


@pytest.fixture
def in_transit_order(acme, make_order):
    order = make_order(acme, order_number="#1042")
    now = utcnow().astimezone(EASTERN)
    set_tracking(
        order.shipments[0],
        "in_transit",
        events=[
            (now - timedelta(days=1, hours=3), "pre_transit", "Shipper created a label", None),
            (now - timedelta(hours=20), "in_transit", "Departed from facility", "Buffalo"),
            (now - timedelta(hours=2), "in_transit", "Arrived at facility", "Rochester"),
        ],
        service="UPS Ground",
        estimated_delivery={
            "date": (now + timedelta(days=2)).date().isoformat(),
            "window_start": None,
            "window_end": None,
            "source": "carrier",
            "basis": None,
        },
    )
    return order


def test_tracking_page_shows_the_status_and_the_events_newest_first(client, in_transit_order):
    response = client.get(path_of(in_transit_order))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Order #1042" in html
    assert "Arriving " in html
    assert "UPS Ground" in html
    assert "1Z999AA10123456784" in html
    assert "Trail Tent 2P" in html
    assert html.index("Arrived at facility") < html.index("Departed from facility")
    assert html.index("Departed from facility") < html.index("Shipper created a label")
    assert "Rochester, NY, US" in html
    assert 'aria-current="step"' in html


def test_tracking_page_is_in_the_merchants_brand_with_readable_text(client, in_transit_order):
    html = client.get(path_of(in_transit_order)).get_data(as_text=True)

    assert "--brand: #2f6b3b;" in html
    assert "--on-brand: #ffffff;" in html
    assert "Acme Outdoor" in html


def test_unknown_token_is_404(client, acme, in_transit_order):
    response = client.get("/acme/orders/not-a-real-token-at-all-x")

    assert response.status_code == 404
    assert "couldn" in response.get_data(as_text=True)


def test_unknown_merchant_is_404(client, in_transit_order):
    token = in_transit_order.active_link.token

    assert client.get(f"/nobody/orders/{token}").status_code == 404


def test_revoked_link_is_404_and_the_new_link_works(client, db, in_transit_order):
    old_path = path_of(in_transit_order)
    in_transit_order.active_link.revoked_at = utcnow()
    new_link = issue_tracking_link(in_transit_order)
    db.session.commit()

    assert client.get(old_path).status_code == 404
    assert client.get(f"/acme/orders/{new_link.token}").status_code == 200


def test_another_merchants_slug_with_a_valid_token_is_404(client, make_merchant, in_transit_order):
    make_merchant("globex", "Globex")
    token = in_transit_order.active_link.token

    assert client.get(f"/globex/orders/{token}").status_code == 404


@pytest.mark.parametrize(
    ("query", "source"),
    [("?src=email", "email"), ("?src=sms", "sms"), ("?src=lookup", "lookup"), ("", "direct")],
)
def test_each_visit_records_a_page_view_with_its_source(
    client, db, in_transit_order, query, source
):
    client.get(path_of(in_transit_order) + query)

    views = db.session.scalars(select(PageView)).all()
    assert [(v.order_id, v.source) for v in views] == [(in_transit_order.id, source)]


def test_a_claimed_agent_source_counts_as_direct(client, db, in_transit_order):
    client.get(path_of(in_transit_order) + "?src=agent")

    assert db.session.scalars(select(PageView.source)).all() == ["direct"]


def test_htmx_refresh_returns_the_status_partial_without_counting_a_view(
    client, db, in_transit_order
):
    response = client.get(path_of(in_transit_order), headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="order-status"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert db.session.scalars(select(PageView)).all() == []


def test_tracking_page_is_private_and_not_indexed(client, in_transit_order):
    response = client.get(path_of(in_transit_order))

    assert "private" in response.headers["Cache-Control"]
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_merchant_and_order_data_are_escaped(client, db, make_merchant, make_order):
    merchant = make_merchant("evil", "<script>alert(1)</script>", header_text="<b>bold</b>")
    order = make_order(merchant, order_number="<img src=x onerror=alert(1)>")

    html = client.get(path_of(order)).get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html


def test_javascript_links_from_branding_are_dropped(client, db, make_merchant, make_order):
    merchant = make_merchant(
        "sly",
        "Sly",
        support_url="javascript:alert(1)",
        footer_links=[{"label": "Returns", "url": "javascript:alert(2)"}],
    )
    order = make_order(merchant)

    html = client.get(path_of(order)).get_data(as_text=True)

    assert "javascript:" not in html


def test_delivered_shipment_says_when(client, acme, make_order):
    order = make_order(acme, order_number="#2001")
    delivered_at = utcnow().astimezone(EASTERN).replace(hour=14, minute=12)
    if delivered_at > utcnow():
        delivered_at -= timedelta(days=1)
    set_tracking(
        order.shipments[0],
        "delivered",
        events=[(delivered_at, "delivered", "Delivered", "Rochester")],
        delivered_at=delivered_at,
        signed_by="M PATEL",
    )

    html = client.get(path_of(order)).get_data(as_text=True)

    assert "Delivered " in html and "at 14:12" in html
    assert "Signed for by M PATEL" in html
    assert "Not there?" in html


def test_delay_banner_explains_in_words(client, acme, make_order):
    order = make_order(acme, order_number="#3001")
    new_date = (utcnow().astimezone(EASTERN) + timedelta(days=3)).date()
    set_tracking(
        order.shipments[0],
        "in_transit",
        delayed=True,
        delay_reason="carrier_delay",
        events=[
            (
                utcnow().astimezone(EASTERN),
                "in_transit",
                "Weather delay in Louisville",
                "Louisville",
            )
        ],
        estimated_delivery={"date": new_date.isoformat(), "source": "carrier"},
    )

    html = client.get(path_of(order)).get_data(as_text=True)

    assert "Running late" in html
    assert "The carrier reports: Weather delay in Louisville" in html
    assert "Running late — now expected " in html


def test_logo_is_served_with_its_type_and_cached_by_version(client, db, acme):
    acme.logo = b"\x89PNG\r\n\x1a\nfake"
    acme.logo_content_type = "image/png"
    acme.logo_version = 3
    db.session.commit()

    response = client.get("/acme/logo?v=3")

    assert response.status_code == 200
    assert response.data == b"\x89PNG\r\n\x1a\nfake"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response.headers["Cache-Control"]
    assert "immutable" not in client.get("/acme/logo?v=2").headers["Cache-Control"]


def test_merchant_without_logo_shows_its_name_and_no_logo_url(client, acme, in_transit_order):
    html = client.get(path_of(in_transit_order)).get_data(as_text=True)

    assert client.get("/acme/logo").status_code == 404
    assert "/acme/logo" not in html
    assert '<span class="brand-name">Acme Outdoor</span>' in html
