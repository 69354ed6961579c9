"""In a real browser: branding with its live preview, products, team, API keys, the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from portal.database import utcnow
from portal.models import Feedback, PageView
from portal.services import quota
from tests.merchant.images import SVG, png

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 375)
PAGES = {
    "merchant-dashboard": "/merchant/",
    "merchant-branding": "/merchant/branding",
    "merchant-products": "/merchant/products",
    "merchant-team": "/merchant/team",
    "merchant-api-keys": "/merchant/api-keys",
    "merchant-notifications": "/merchant/notifications",
}


@pytest.fixture
def shop(demo_shop, make_user, db):
    acme = demo_shop["merchant"]
    make_user(acme, role="owner", email="owner@acme.test")
    for order, source in ((demo_shop["in_transit"], "email"), (demo_shop["late"], "agent")):
        db.session.add(PageView(merchant_id=acme.id, order_id=order.id, source=source))
    db.session.add(
        Feedback(
            merchant_id=acme.id,
            order_id=demo_shop["delivered"].id,
            stage="after_delivery",
            rating=4,
            comment="Arrived a day early, thanks!",
        )
    )
    db.session.commit()
    return demo_shop


@pytest.fixture
def owner_page(live_server, page, shop):
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/merchant/")
    return page


def tracking_path(order) -> str:
    return f"/{order.merchant.slug}/orders/{order.active_link.token}"


def test_colour_and_logo_show_in_the_live_preview_then_on_the_tracking_page(
    owner_page, live_server, shop
):
    page = owner_page
    page.get_by_role("link", name="Branding").click()
    preview = page.locator("#brand-preview")
    expect(preview).to_contain_text("Order #1042")

    page.get_by_label("Primary colour").fill("#aa1144")
    expect(preview).to_have_attribute("data-brand-vars", re.compile("#aa1144"))
    header = preview.locator(".brand-header")
    expect(header).to_have_css("background-color", "rgb(170, 17, 68)")
    page.get_by_label("Logo").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png(160, 48, (20, 20, 20))}
    )
    expect(preview.get_by_role("img", name="Acme Outdoor")).to_have_attribute(
        "src", re.compile("^data:image/png;base64,")
    )
    page.get_by_role("button", name="Save branding").click()
    expect(page.get_by_text("Branding saved.")).to_be_visible()

    page.goto(live_server + tracking_path(shop["in_transit"]))
    logo = page.get_by_role("img", name="Acme Outdoor")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.naturalWidth") == 160
    brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand')")
    assert brand.strip() == "#aa1144"


def test_an_svg_logo_is_refused_with_a_clear_message(owner_page, live_server):
    page = owner_page
    page.goto(live_server + "/merchant/branding")
    page.get_by_label("Logo").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}
    )
    page.get_by_role("button", name="Save branding").click()

    expect(page.get_by_role("alert")).to_contain_text("SVG files can't be used as the logo")


def test_products_search_and_csv_import(owner_page, live_server, tmp_path):
    page = owner_page
    csv_file = tmp_path / "products.csv"
    csv_file.write_text(
        "sku,name,url,price\nTENT,Trail Tent,https://acme.test/t,249\nBAD,Bad,ftp://x,1\n"
        "LAMP,Headlamp,https://acme.test/l,39\n"
    )
    page.goto(live_server + "/merchant/products")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text="Import finished")).to_contain_text("2 added")
    expect(page.get_by_text("Line 3: url must start with http:// or https://")).to_be_visible()

    page.get_by_label("Search by name, SKU or category").fill("lamp")
    expect(page.locator("#product-results tbody tr")).to_have_count(1)
    expect(page.locator("#product-results")).to_contain_text("Headlamp")


def test_invite_accept_and_the_agent_gets_403_on_branding(owner_page, live_server, browser):
    from portal.services import account_mail

    page = owner_page
    page.goto(live_server + "/merchant/team")
    page.get_by_label("Email").fill("sam@acme.test")
    page.get_by_label("Role", exact=True).select_option("agent")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to sam@acme.test.")).to_be_visible()
    link = re.search(r"/invite/\S+", account_mail.OUTBOX[-1].text).group(0)

    context = browser.new_context(viewport={"width": 375, "height": 800})
    newcomer = context.new_page()
    newcomer.goto(live_server + link)
    newcomer.get_by_label("Your name").fill("Sam Lee")
    newcomer.get_by_label("New password", exact=True).fill("sams own secret")
    newcomer.get_by_label("Repeat the new password").fill("sams own secret")
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer).to_have_url(live_server + "/agent/")
    response = newcomer.goto(live_server + "/merchant/branding")
    assert response.status == 403
    context.close()


def test_api_key_is_shown_once_then_revoked(owner_page, live_server):
    page = owner_page
    page.goto(live_server + "/merchant/api-keys")
    page.get_by_label("Key name").fill("Shopify sync")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-key")
    expect(key).to_contain_text("pl_live_")

    page.goto(live_server + "/merchant/api-keys")
    expect(page.locator("#new-key")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Shopify sync").click()
    expect(page.get_by_text("Requests using it are refused from now on.")).to_be_visible()


def test_dashboard_links_delayed_orders_to_the_agent_page(owner_page, live_server):
    page = owner_page
    expect(page.get_by_text("WISMO rate", exact=True)).to_be_visible()
    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_text("Last 90 days")).to_be_visible()

    page.get_by_role("link", name="#1044").click()

    expect(page).to_have_url(re.compile("/agent/orders/"))


def test_notification_template_preview_follows_the_text(owner_page, live_server):
    page = owner_page
    page.goto(live_server + "/merchant/notifications/templates?trigger=shipped&channel=sms")
    page.get_by_label("Text").fill("Hi {{ customer.first_name }}, order {{ order.number }} is off!")

    expect(page.locator("#template-preview")).to_contain_text("Hi Maya, order 1042 is off!")


def test_merchant_screenshots_at_desktop_and_phone_widths(owner_page, live_server, artifacts_dir):
    page = owner_page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in PAGES.items():
            page.goto(live_server + path)
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
            page.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{name} scrolls sideways at {width}px"


def test_the_quota_panel_shows_this_hours_window_at_desktop_and_phone_widths(
    owner_page, live_server, artifacts_dir
):
    page = owner_page
    now = utcnow()
    # Not in an hour's last minutes, so the page reads the same hour the test spent in.
    moment = now if now.minute < 50 else quota.hour_start(now) + timedelta(hours=1, minutes=2)
    with time_machine.travel(moment, tick=True):
        for carrier, requests in (("usps", 48), ("ups", 1200), ("dhl", 230)):
            quota.spend(carrier, requests, utcnow())
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server + "/merchant/")
            hourly = page.get_by_role("meter", name="USPS quota used this hour")
            expect(hourly).to_have_attribute("value", "48")
            expect(page.get_by_text("48 / 60", exact=True)).to_be_visible()
            expect(
                page.get_by_text(re.compile(r"top of each hour \(UTC\), in \d+ min"))
            ).to_be_visible()
            panel = page.locator("section", has=page.get_by_role("heading", name="Carriers"))
            panel.screenshot(path=str(artifacts_dir / f"merchant-quota-{width}.png"))
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"the dashboard scrolls sideways at {width}px"
