"""In a real browser: an owner proves a custom tracking host with a DNS TXT record."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.screenshots import WIDTHS
from tests.merchant import dns_server

pytestmark = pytest.mark.e2e
app, zone = dns_server.app, dns_server.zone  # the app asks a DNS server the test fills


def shoot_section(page, section, name: str, artifacts_dir) -> None:
    """`<name>-<width>.png` of the section at each width; the page must not scroll sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{name} scrolls sideways at {width}px"


def test_owner_verifies_a_custom_host_with_a_txt_record(
    live_server, page, make_merchant, make_user, zone, artifacts_dir
):
    acme = make_merchant("acme", "Acme Outdoor")
    make_user(acme, role="owner", email="owner@acme.test")
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server + "/merchant/branding")

    page.get_by_label("Custom tracking host").fill("track.acme.test")
    page.get_by_role("button", name="Save branding").click()
    expect(page.get_by_text("Branding saved.")).to_be_visible()
    section = page.locator("#tracking-host")
    expect(section.get_by_text("Not verified")).to_be_visible()
    expect(section.locator("#host-record-name")).to_have_text("_porchlight.track.acme.test")
    value = section.locator("#host-record-value").inner_text()
    assert value.startswith("porchlight-verification=")

    section.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("has no TXT record yet")
    shoot_section(page, page.locator("#tracking-host"), "merchant-host-unverified", artifacts_dir)

    zone.records["_porchlight.track.acme.test"] = [value]
    page.locator("#tracking-host").get_by_role("button", name="Verify").click()
    verified = page.locator("#tracking-host")
    expect(verified.get_by_role("status")).to_contain_text("track.acme.test is verified.")
    expect(verified.get_by_text("Verified", exact=True)).to_be_visible()
    shoot_section(page, verified, "merchant-host-verified", artifacts_dir)
