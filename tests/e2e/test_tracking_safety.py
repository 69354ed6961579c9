"""In Chromium: hostile merchant and order texts never run, and the pages pass axe-core."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.database import utcnow
from portal.extensions import db
from portal.models import Feedback, Product
from tests.e2e.tracking_shop import add_catalogue, build_states
from tests.web.helpers import EASTERN, set_tracking

pytestmark = pytest.mark.e2e

SCRIPT = "<script>window.__pwned=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
BOTH = SCRIPT + ATTRIBUTE


@pytest.fixture
def hostile_order(make_merchant, make_order):
    merchant = make_merchant(
        "evil",
        BOTH[:120],
        header_text=BOTH,
        support_email=ATTRIBUTE,
        support_phone=ATTRIBUTE[:40],
        support_url=JS_URL,
        footer_links=[{"label": BOTH, "url": JS_URL}, {"label": BOTH, "url": "https://ok.test"}],
        faq=[{"question": BOTH, "answer": BOTH}],
        font=ATTRIBUTE[:40],
        primary_color="red;}</style><script>window.__pwned=1</script>"[:7],
    )
    order = make_order(
        merchant,
        order_number=ATTRIBUTE[:64],
        customer_name=BOTH,
        ship_city=BOTH[:100],
        ship_region=ATTRIBUTE[:100],
        ship_postal_code=ATTRIBUTE[:20],
        items=[
            {"name": BOTH, "sku": "X1", "image_url": JS_URL, "product_url": JS_URL},
            {"name": ATTRIBUTE, "sku": "X2", "image_url": 'https://x.test/a.png" onerror="x'},
        ],
    )
    now = utcnow().astimezone(EASTERN)
    set_tracking(
        order.shipments[0],
        "delivered",
        service=BOTH[:120],
        signed_by=BOTH[:120],
        delivery_location=BOTH[:200],
        delivered_at=now - timedelta(hours=1),
        events=[(now - timedelta(hours=1), "delivered", BOTH, BOTH[:100])],
    )
    for sku, url in (("P1", JS_URL), ("P2", "https://shop.test/p2")):
        db.session.add(
            Product(
                merchant_id=merchant.id,
                sku=sku,
                name=BOTH,
                url=url,
                image_url=JS_URL,
                price=Decimal("1.00"),
                currency="USD",
                category=BOTH[:100],
                tags=[BOTH[:50]],
            )
        )
    db.session.add(
        Feedback(merchant_id=merchant.id, order_id=order.id, stage="after_delivery", rating=5,
                 comment=BOTH)
    )  # fmt: skip
    db.session.commit()
    return order


def test_hostile_texts_are_shown_as_text_and_never_run(live_server, page, hostile_order):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    path = f"/evil/orders/{hostile_order.active_link.token}"

    for url in (path, "/evil/track"):
        page.goto(live_server + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None
        hrefs = page.eval_on_selector_all("[href], [src]", "els => els.map(e => e.outerHTML)")
        assert not [h for h in hrefs if "javascript:" in h.lower()]

    page.goto(live_server + path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("left at <script>")
    expect(page.locator(".brand-tagline")).to_contain_text(SCRIPT)
    page.get_by_text("Show all").count()  # nothing to expand, still nothing runs
    for summary in page.locator("summary").all():
        summary.click()
    page.locator("label[for=rating-2]").click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".feedback__comment")).to_contain_text(SCRIPT)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def shop(demo_shop, make_order, live_server, db):
    add_catalogue(demo_shop["merchant"], live_server)
    return build_states(demo_shop, make_order)


@pytest.mark.parametrize("width", [1280, 375])
def test_lookup_and_tracking_pages_pass_axe(live_server, page, shop, width):
    page.set_viewport_size({"width": width, "height": 900})
    paths = ["/acme/track"] + [
        f"/acme/orders/{shop[state].active_link.token}"
        for state in ("in_transit", "delivered", "late", "split", "exception", "label")
    ]
    problems = {}
    for path in paths:
        page.goto(live_server + path)
        problems[path] = serious_violations(page)

    page.goto(live_server + "/acme/track")
    page.get_by_role("button", name="Track order").click()
    problems["lookup with errors"] = serious_violations(page)
    page.goto(live_server + paths[1])
    page.locator("label[for=rating-5]").click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()
    problems["after feedback"] = serious_violations(page)

    assert {path: found for path, found in problems.items() if found} == {}
