"""The tracking page from the render cache: one query while nothing changed, fresh the moment
anything on it changes, a new nonce and CSRF token in every response; buffered page views."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from portal.blueprints.tracking.render_cache import RenderCache
from portal.database import utcnow
from portal.extensions import db as _db
from portal.models import Feedback, PageView
from portal.services.merchants import get_merchant_by_slug
from tests.web.helpers import EASTERN, recorded_statements, set_tracking

HX = {"HX-Request": "true"}


@pytest.fixture
def order(acme, make_order):
    order = make_order(acme, order_number="#1042")
    now = utcnow().astimezone(EASTERN)
    set_tracking(
        order.shipments[0],
        "in_transit",
        events=[(now - timedelta(hours=3), "in_transit", "Departed facility", "Buffalo")],
        estimated_delivery={"date": (now + timedelta(days=3)).date().isoformat()},
    )
    return order


def path_of(order) -> str:
    return f"/acme/orders/{order.active_link.token}"


def reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_second_view_is_served_from_one_query(app, client, order):
    path = path_of(order)
    with recorded_statements(app) as first:
        client.get(path)
    with recorded_statements(app) as second:
        client.get(path)

    assert len(reads(first)) > 3  # the order, items, shipments, events, catalogue…
    assert len(reads(second)) == 1  # the token with the page versions
    assert "tracking_links" in reads(second)[0]


def test_every_response_has_its_own_nonce_matching_its_header(client, order):
    pages = [client.get(path_of(order)) for _ in range(3)]

    nonces = []
    for response in pages:
        header = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        html = response.get_data(as_text=True)
        assert header, response.headers["Content-Security-Policy"]
        assert set(re.findall(r'nonce="([^"]+)"', html)) == {header.group(1)}
        nonces.append(header.group(1))
    assert len(set(nonces)) == 3


def test_a_cached_pages_csrf_token_is_good_for_its_own_session(make_app, db, order, make_order):
    app = make_app(WTF_CSRF_ENABLED=True)
    warm = app.test_client()
    warm.get(path_of(order))  # renders and caches the page under another session
    shopper = app.test_client()

    html = shopper.get(path_of(order)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    posted = shopper.post(
        path_of(order) + "/feedback", data={"csrf_token": token, "rating": "5", "comment": ""}
    )
    forged = app.test_client().post(
        path_of(order) + "/feedback", data={"csrf_token": token, "rating": "1", "comment": ""}
    )

    assert posted.status_code == 303
    assert forged.status_code == 400
    assert db.session.scalars(select(Feedback.rating)).all() == [5]


def test_a_new_scan_shows_at_once(client, db, order):
    assert "On vehicle for delivery" not in client.get(path_of(order)).get_data(as_text=True)

    now = utcnow().astimezone(EASTERN)
    set_tracking(
        order.shipments[0],
        "out_for_delivery",
        events=[(now, "out_for_delivery", "On vehicle for delivery", "Rochester")],
    )
    html = client.get(path_of(order)).get_data(as_text=True)

    assert "Out for delivery — arriving today" in html and "On vehicle for delivery" in html


def test_a_brand_change_shows_at_once(client, db, order):
    assert "#7a2e8f" not in client.get(path_of(order)).get_data(as_text=True)

    merchant = get_merchant_by_slug("acme")
    merchant.primary_color = "#7a2e8f"
    merchant.header_text = "Free returns for 60 days"
    db.session.commit()
    html = client.get(path_of(order)).get_data(as_text=True)

    assert "--brand: #7a2e8f" in html and "Free returns for 60 days" in html


def test_feedback_without_javascript_comes_back_to_a_fresh_page(client, db, order):
    client.get(path_of(order))  # cached before the answer

    answer = client.post(path_of(order) + "/feedback", data={"rating": "4", "comment": "Fast"})
    back = client.get(answer.headers["Location"]).get_data(as_text=True)
    later = client.get(path_of(order)).get_data(as_text=True)

    assert "Thank you" in back
    assert 'value="4" checked' in later and "Fast" in later


def test_a_revoked_link_is_gone_even_when_its_page_was_cached(client, db, order):
    assert client.get(path_of(order)).status_code == 200

    order.active_link.revoked_at = utcnow()
    db.session.commit()

    assert client.get(f"/acme/orders/{order.links[0].token}").status_code == 404


def test_tomorrow_becomes_today_after_midnight(client, db, acme, make_order):
    with time_machine.travel(datetime(2026, 11, 25, 4, 50, tzinfo=UTC), tick=False) as clock:
        order = make_order(acme, order_number="#77", ship_postal_code="14604")
        set_tracking(
            order.shipments[0], "in_transit", estimated_delivery={"date": "2026-11-25"}
        )  # 23:50 on the 24th in New York, the merchant's zone is UTC
        acme.timezone = "America/New_York"
        db.session.commit()
        assert "Arriving tomorrow" in client.get(path_of(order)).get_data(as_text=True)

        clock.move_to(datetime(2026, 11, 25, 5, 1, tzinfo=UTC))

        assert "Arriving today" in client.get(path_of(order)).get_data(as_text=True)


def test_the_live_refresh_answers_304_from_one_query(app, client, order):
    path = path_of(order)
    etag = client.get(path, headers=HX).headers["ETag"]
    with recorded_statements(app) as statements:
        response = client.get(path, headers={**HX, "If-None-Match": etag})

    assert response.status_code == 304
    assert len(reads(statements)) == 1
    assert not [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE")]


def test_a_change_the_status_doesnt_show_is_a_304_with_a_new_etag(app, client, db, order):
    path = path_of(order)
    etag = client.get(path, headers=HX).headers["ETag"]

    client.post(path + "/feedback", data={"rating": "3", "comment": ""})
    moved = client.get(path, headers={**HX, "If-None-Match": etag})
    new_etag = moved.headers["ETag"]
    with recorded_statements(app) as statements:
        response = client.get(path, headers={**HX, "If-None-Match": new_etag})

    assert moved.status_code == 304 and moved.data == b""
    assert new_etag != etag
    assert new_etag.split(".")[1] == etag.split(".")[1]  # the same content
    assert response.status_code == 304 and len(reads(statements)) == 1


def test_a_new_quarter_hour_with_the_same_status_is_still_a_304(client, order):
    path = path_of(order)
    with time_machine.travel(utcnow(), tick=False) as clock:
        etag = client.get(path, headers=HX).headers["ETag"]
        clock.shift(timedelta(minutes=16))

        later = client.get(path, headers={**HX, "If-None-Match": etag})

    assert later.status_code == 304
    assert later.headers["ETag"] != etag


def test_buffered_page_views_are_written_together(make_app, order):
    app = make_app(PAGE_VIEW_FLUSH_SECONDS=3600)
    client = app.test_client()
    for source in ("email", "sms", None):
        client.get(path_of(order) + (f"?src={source}" if source else ""))

    with app.app_context():
        buffer = app.extensions["page_view_buffer"]
        assert _db.session.scalars(select(PageView)).all() == []
        assert buffer.flush() == 3
        _db.session.rollback()  # a fresh snapshot
        sources = _db.session.scalars(select(PageView.source).order_by(PageView.id)).all()
    assert sources == ["email", "sms", "direct"]


def test_the_buffers_thread_writes_the_views(make_app, order):
    app = make_app(PAGE_VIEW_FLUSH_SECONDS=3600)
    client = app.test_client()
    client.get(path_of(order) + "?src=email")
    buffer = app.extensions["page_view_buffer"]

    buffer.wake()
    assert buffer.flushed.wait(timeout=30)

    with app.app_context():
        assert _db.session.scalars(select(PageView.source)).all() == ["email"]


def test_the_render_cache_forgets_the_least_recently_used_page():
    cache = RenderCache(size=2)
    cache.put("a", "<p>a</p>")
    cache.put("b", "<p>b</p>")
    assert cache.get("a") == "<p>a</p>"  # "b" is now the oldest

    cache.put("c", "<p>c</p>")

    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == ("<p>a</p>", "<p>c</p>")


@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
def test_views_that_cannot_be_written_are_kept_for_the_next_round(make_app, order, caplog):
    from sqlalchemy import text

    app = make_app(PAGE_VIEW_FLUSH_SECONDS=3600)
    app.test_client().get(path_of(order) + "?src=sms")
    buffer = app.extensions["page_view_buffer"]
    with app.app_context():
        _db.session.execute(text("ALTER TABLE page_views RENAME TO page_views_away"))
        _db.session.commit()

        assert buffer.flush() == 0
        assert "could not write 1 page views" in caplog.text

        _db.session.execute(text("ALTER TABLE page_views_away RENAME TO page_views"))
        _db.session.commit()
        assert buffer.flush() == 1
        assert _db.session.scalars(select(PageView.source)).all() == ["sms"]
