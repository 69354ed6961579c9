"""In a real browser: from the landing page to a tracking page; signing in and out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.screenshots import WIDTHS, screenshot_at_widths

pytestmark = pytest.mark.e2e


def test_demo_link_on_the_landing_page_opens_the_tracking_page(live_server, page, demo_shop):
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile(r"Order #1042")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Arriving")
    expect(page.get_by_role("list", name="Delivery progress")).to_be_visible()
    expect(page.get_by_text("Arrived at facility").first).to_be_visible()
    page.get_by_text("Show all 6 updates").click()
    expect(page.get_by_text("Shipper created a label")).to_be_visible()


def test_agent_signs_in_with_the_form_and_signs_out(live_server, page, demo_shop):
    page.goto(live_server + "/agent/")
    page.get_by_label("Email").fill("agent@acme.test")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect.")

    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as agent for Acme Outdoor")).to_be_visible()
    assert page.url == live_server + "/agent/"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_pages_have_no_csp_violations(live_server, page, demo_shop):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    token = demo_shop["in_transit"].active_link.token

    for path in ("/", "/login", f"/acme/orders/{token}"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")

    assert [error for error in errors if "Content Security Policy" in error] == []


def test_screenshots_at_desktop_and_phone_widths(live_server, page, demo_shop, artifacts_dir):
    pages = {"landing": "/", "login": "/login", "error-404": "/acme/orders/no-such-token"}
    for name in ("in_transit", "delivered", "late"):
        pages[f"tracking-{name}"] = f"/acme/orders/{demo_shop[name].active_link.token}"

    screenshot_at_widths(page, live_server, pages, artifacts_dir)

    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("agent@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server + "/agent/")
        page.screenshot(path=str(artifacts_dir / f"agent-{width}.png"), full_page=True)
