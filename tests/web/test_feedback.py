"""Shopper feedback: one rating per order and stage, editable for a week, with or without JS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.database import utcnow
from portal.models import Feedback, PageView
from tests.web.helpers import EASTERN, set_tracking


@pytest.fixture
def order(acme, make_order):
    return make_order(acme, order_number="#1042")


@pytest.fixture
def delivered_order(acme, make_order):
    order = make_order(acme, order_number="#2001")
    moment = utcnow().astimezone(EASTERN) - timedelta(hours=2)
    set_tracking(
        order.shipments[0],
        "delivered",
        delivered_at=moment,
        events=[(moment, "delivered", "Delivered", "Rochester")],
    )
    return order


def page_path(order) -> str:
    return f"/acme/orders/{order.active_link.token}"


def test_before_delivery_the_page_asks_how_we_are_doing(client, order):
    html = client.get(page_path(order)).get_data(as_text=True)

    assert "How are we doing so far?" in html
    assert '<fieldset class="stars"' in html
    assert "<legend>Your rating" in html
    assert html.count('type="radio" id="rating-') == 5


def test_after_delivery_the_page_asks_about_the_delivery(client, delivered_order):
    assert "How was your delivery?" in client.get(page_path(delivered_order)).get_data(as_text=True)


def test_feedback_without_javascript_redirects_back_with_thanks(client, db, order):
    response = client.post(
        page_path(order) + "/feedback", data={"rating": "4", "comment": "  Quick!  "}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith("?done=feedback#feedback")
    feedback = db.session.scalars(select(Feedback)).one()
    assert (feedback.stage, feedback.rating, feedback.comment) == ("before_delivery", 4, "Quick!")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your feedback!" in page
    assert db.session.scalars(select(PageView)).all() == []  # coming back is not a new visit


def test_feedback_with_htmx_answers_the_thank_you_partial(client, db, delivered_order):
    response = client.post(
        page_path(delivered_order) + "/feedback",
        data={"rating": "5"},
        headers={"HX-Request": "true"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card feedback stack" id="feedback"')
    assert "Thank you for your feedback!" in html and "5 out of 5" in html
    assert db.session.scalars(select(Feedback.stage)).all() == ["after_delivery"]


def test_feedback_can_be_changed_for_seven_days_then_not(client, db, order):
    client.post(page_path(order) + "/feedback", data={"rating": "2"})
    client.post(page_path(order) + "/feedback", data={"rating": "3", "comment": "better"})

    feedback = db.session.scalars(select(Feedback)).one()
    assert (feedback.rating, feedback.comment) == (3, "better")

    feedback.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    response = client.post(
        page_path(order) + "/feedback", data={"rating": "1"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.scalars(select(Feedback.rating)).one() == 3
    assert "Change your feedback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose from 1 to 5 stars."),
        ({"rating": "6"}, "Not a valid choice"),
        ({"rating": "3", "comment": "x" * 1001}, "Please keep it under 1000 characters."),
    ],
)
def test_bad_feedback_is_explained_and_changes_nothing(client, db, order, data, message):
    response = client.post(page_path(order) + "/feedback", data=data)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Feedback)).all() == []


def test_feedback_needs_a_csrf_token(make_app, order):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    assert client.post(page_path(order) + "/feedback", data={"rating": "5"}).status_code == 400


def test_feedback_for_an_unknown_token_is_404(client, order):
    assert client.post("/acme/orders/nope/feedback", data={"rating": "5"}).status_code == 404
