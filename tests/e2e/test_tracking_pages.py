"""In a real browser: lookup, every tracking state, feedback by mouse and keyboard, clicks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import Feedback, Product, ProductClick
from tests.e2e.conftest import serving
from tests.e2e.tracking_shop import add_catalogue, build_states

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 375)


@pytest.fixture
def shop(demo_shop, make_order, make_merchant, live_server, db):
    add_catalogue(demo_shop["merchant"], live_server)
    states = build_states(demo_shop, make_order)
    bare = make_merchant("bare", "Bare Basics")
    states["empty_catalogue"] = make_order(bare, order_number="#7")
    return states


def tracking_path(order) -> str:
    return f"/{order.merchant.slug}/orders/{order.active_link.token}"


def test_shopper_finds_the_order_by_email(live_server, page, shop):
    page.goto(live_server + "/acme/track")
    page.get_by_label("Order number").fill("1042")
    page.get_by_label("Email, phone or postal code").fill("MAYA@example.com")
    page.get_by_role("button", name="Track order").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Arriving")
    assert "src=lookup" in page.url


def test_shopper_finds_the_order_by_postal_code(live_server, page, shop):
    page.goto(live_server + "/acme/track")
    page.get_by_label("Order number").fill("#1043")
    page.get_by_label("Email, phone or postal code").fill(" 146 04 ")
    page.get_by_role("button", name="Track order").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Delivered")


def test_a_wrong_pair_is_explained_above_the_form_with_focus_on_it(live_server, page, shop):
    page.goto(live_server + "/acme/track")
    page.get_by_label("Order number").fill("1042")
    page.get_by_label("Email, phone or postal code").fill("someone@else.test")
    page.get_by_role("button", name="Track order").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("We couldn't find an order")
    expect(alert).to_be_focused()


def test_guessing_is_stopped_with_a_friendly_branded_page(make_app, page, shop, artifacts_dir):
    with serving(make_app(RATELIMIT_ENABLED=True)) as base_url:
        page.goto(base_url + "/acme/track")
        for attempt in range(9):
            page.get_by_label("Order number").fill("1042")
            page.get_by_label("Email, phone or postal code").fill(f"guess{attempt}@example.com")
            page.get_by_role("button", name="Track order").click()
            if attempt < 8:
                expect(page.get_by_role("alert")).to_contain_text("We couldn't find an order")

        expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
        expect(page.get_by_text("please wait")).to_be_visible()
        expect(page.get_by_text("Acme Outdoor").first).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "lookup-rate-limited.png"))
        page.get_by_role("link", name="Back to order lookup").click()
        expect(page.get_by_label("Order number")).to_be_visible()


@pytest.mark.parametrize(
    ("state", "hero"),
    [
        ("in_transit", "Arriving"),
        ("delivered", "Delivered"),
        ("late", "Running late — now expected"),
        ("split", "Arriving tomorrow"),
        ("exception", "There's a problem with the delivery"),
        ("label", "Label created — waiting for the carrier"),
        ("unknown", "Waiting for the carrier's first scan"),
        ("empty_catalogue", "Waiting for the carrier's first scan"),
    ],
)
def test_each_state_has_one_plain_headline(live_server, page, shop, state, hero):
    page.goto(live_server + tracking_path(shop[state]))

    expect(page.get_by_role("heading", level=1)).to_contain_text(hero)
    has_products = state != "empty_catalogue"
    expect(page.get_by_role("heading", name="You might also like")).to_have_count(
        1 if has_products else 0
    )


def test_split_order_shows_one_card_per_package(live_server, page, shop):
    page.goto(live_server + tracking_path(shop["split"]))

    expect(page.get_by_role("heading", name="Package 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Package 2 of 2")).to_be_visible()
    expect(page.get_by_text("1 of 2 packages delivered")).to_be_visible()
    second = page.locator("#shipment-2")
    expect(second.get_by_text("Trekking Poles")).to_be_visible()
    expect(second.get_by_text("Trail Tent 2P")).to_have_count(0)
    link = page.locator("#shipment-1").get_by_role("link", name=re.compile("1Z999AA10123456790"))
    assert link.get_attribute("href").startswith("https://www.ups.com/track?tracknum=")


def test_feedback_with_the_mouse(live_server, page, shop, db):
    page.goto(live_server + tracking_path(shop["delivered"]))
    form = page.locator("#feedback")
    expect(form.get_by_role("heading", name="How was your delivery?")).to_be_visible()

    form.locator("label[for=rating-4]").click()
    form.get_by_label("Anything you'd like to tell us? (optional)").fill("Left in the rain <b>")
    form.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_role("status").filter(has_text="Thank you")).to_be_visible()
    expect(page.get_by_text("You gave 4 out of 5 stars.")).to_be_visible()
    db.session.rollback()  # see what the server committed
    feedback = db.session.scalars(select(Feedback)).one()
    assert (feedback.rating, feedback.comment, feedback.stage) == (
        4,
        "Left in the rain <b>",
        "after_delivery",
    )


def test_feedback_with_the_keyboard_only(live_server, page, shop, db):
    page.goto(live_server + tracking_path(shop["in_transit"]))
    page.locator("#feedback").scroll_into_view_if_needed()
    page.get_by_role("radio", name="1 star", exact=True).focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="3 stars")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("So far so good")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    thanks = page.locator(".feedback__thanks")
    expect(thanks).to_contain_text("You gave 3 out of 5 stars.")
    expect(thanks).to_be_focused()
    db.session.rollback()
    assert db.session.scalars(select(Feedback.stage)).one() == "before_delivery"


def test_feedback_without_javascript(live_server, browser, shop, db):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + tracking_path(shop["in_transit"]))
    page.locator("label[for=rating-5]").click()
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()
    assert "done=feedback" in page.url
    context.close()


def test_a_recommendation_click_is_counted_and_lands_on_the_product(live_server, page, shop, db):
    page.goto(live_server + tracking_path(shop["in_transit"]))
    products = page.get_by_role("region", name="You might also like").get_by_role("link")
    expect(products).to_have_count(4)
    expect(products.first).to_contain_text("Tent Footprint 2P")

    products.first.click()

    page.wait_for_url(re.compile(r"/healthz\?product=FOOTPRINT$"))
    db.session.rollback()
    assert db.session.scalars(select(Product.clicks).where(Product.sku == "FOOTPRINT")).one() == 1
    assert len(db.session.scalars(select(ProductClick)).all()) == 1


def test_sms_opt_in_and_out(live_server, page, shop, db):
    page.goto(live_server + tracking_path(shop["late"]))
    page.get_by_label("Mobile number").fill("12")
    page.get_by_role("button", name="Get text updates").click()
    expect(page.get_by_text("Enter a mobile number")).to_be_visible()

    page.get_by_label("Mobile number").fill("(415) 555-0142")
    page.get_by_role("button", name="Get text updates").click()
    expect(page.get_by_text("ending in 0142")).to_be_visible()

    page.get_by_role("button", name="Stop text updates").click()
    expect(page.get_by_text("Text updates are off for this order.")).to_be_visible()


def test_the_status_refreshes_itself_and_304s_are_not_swapped(live_server, page, shop, db):
    from datetime import timedelta

    from portal.database import utcnow
    from tests.web.helpers import EASTERN, set_tracking

    page.clock.install()
    page.goto(live_server + tracking_path(shop["in_transit"]))
    hero = page.get_by_role("heading", level=1)
    expect(hero).to_contain_text("Arriving")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as first:
        page.clock.run_for(61_000)
    assert first.value.status == 304

    db.session.rollback()
    set_tracking(
        shop["in_transit"].shipments[0],
        "out_for_delivery",
        events=[(utcnow().astimezone(EASTERN) - timedelta(minutes=1), "out_for_delivery",
                 "Out for delivery", "Rochester")],
    )  # fmt: skip
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as second:
        page.clock.run_for(61_000)
    assert second.value.status == 200
    expect(hero).to_contain_text("Out for delivery — arriving today")


def test_feedback_moves_the_etag_on_without_swapping_the_status(live_server, page, shop):
    page.clock.install()
    page.goto(live_server + tracking_path(shop["in_transit"]))
    status = page.locator("#order-status")
    status.evaluate("element => { element.dataset.original = 'yes'; }")
    before = status.get_attribute("data-etag")

    page.locator("#feedback label[for=rating-4]").click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("status").filter(has_text="Thank you")).to_be_visible()
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as poll:
        page.clock.run_for(61_000)

    assert poll.value.status == 304
    assert poll.value.request.headers["if-none-match"] == before
    expect(status).to_have_attribute("data-etag", poll.value.headers["etag"])
    expect(status).to_have_attribute("data-original", "yes")  # the same element: not swapped
    assert poll.value.headers["etag"] != before


def test_screenshots_of_every_state_at_phone_and_desktop(live_server, page, shop, artifacts_dir):
    pages = {"lookup": "/acme/track"}
    for state in ("in_transit", "delivered", "late", "split", "exception", "empty_catalogue"):
        pages[f"tracking-{state}"] = tracking_path(shop[state])

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(artifacts_dir / f"page-{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{name} scrolls sideways at {width}px"
