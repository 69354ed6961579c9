"""In a real browser: an agent types, walks the results with the keyboard and opens the order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.screenshots import screenshot_at_widths

pytestmark = pytest.mark.e2e


@pytest.fixture
def agent_page(live_server, page, demo_shop):
    """The browser signed in as Acme's agent, on the search page."""
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("agent@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/agent/")
    page.wait_for_load_state("load")  # htmx has wired up the search box
    return page


def test_type_arrow_down_and_enter_opens_the_order(agent_page, live_server):
    page = agent_page
    search = page.get_by_role("searchbox", name="Search orders")
    expect(search).to_be_focused()  # focused on load

    search.press_sequentially("1043", delay=30)
    expect(page.locator("#results [data-result]")).to_have_count(1)
    assert "q=1043" in page.url  # the address follows the box

    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("link", name="#1043")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server + "/agent/orders/1043")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order #1043")
    expect(page.get_by_text("Signed for by M PATEL").first).to_be_visible()


def test_arrows_walk_the_results_and_slash_comes_back_to_the_box(agent_page):
    page = agent_page
    search = page.get_by_role("searchbox", name="Search orders")
    search.fill("maya")
    rows = page.locator("#results [data-result]")
    expect(rows).to_have_count(3)

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(search).to_be_focused()

    page.keyboard.press("ArrowDown")
    page.keyboard.press("/")
    expect(search).to_be_focused()


def test_the_order_page_refreshes_copies_and_previews(agent_page, live_server):
    page = agent_page
    page.goto(live_server + "/agent/orders/1044")
    expect(page.get_by_text("What the customer sees now")).to_be_visible()
    expect(page.get_by_text("Delayed: Carrier delay").first).to_be_visible()

    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search orders")).to_be_focused()

    expect(page.get_by_role("button", name="Copy")).to_be_visible()  # shown by agent.js
    link = page.get_by_label("The link the customer has").input_value()
    assert re.match(r"http://porchlight\.test/acme/orders/[\w-]{22}$", link)

    with page.expect_popup() as popup:
        page.get_by_role("link", name=re.compile("See what the customer sees")).click()
    preview = popup.value
    expect(preview.get_by_text("Agent preview")).to_be_visible()
    preview.close()

    page.get_by_label("Add a note").fill("Customer called; told them Monday.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Customer called; told them Monday.")).to_be_visible()


def test_agent_pages_have_no_csp_violations(agent_page, live_server):
    errors: list[str] = []
    agent_page.on("console", lambda message: errors.append(message.text))
    for path in ("/agent/orders/1042", "/agent/orders/1042/preview", "/agent/?q=maya"):
        agent_page.goto(live_server + path)
        agent_page.wait_for_load_state("networkidle")
    agent_page.get_by_role("searchbox", name="Search orders").fill("1042")
    agent_page.wait_for_load_state("networkidle")

    assert [error for error in errors if "Content Security Policy" in error] == []


def test_agent_screenshots_at_desktop_and_phone_widths(agent_page, live_server, artifacts_dir):
    pages = {
        "agent-search-empty": "/agent/",
        "agent-search-results": "/agent/?q=maya",
        "agent-order-late": "/agent/orders/1044",
        "agent-order-delivered": "/agent/orders/1043",
    }
    screenshot_at_widths(agent_page, live_server, pages, artifacts_dir)
