"""Browser fixtures: the app served on a loopback port, and Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from portal.database import utcnow
from tests.web.helpers import EASTERN, set_tracking

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(params=["sqlite"])
def db_backend(request) -> str:
    """Browser tests look at pages, not storage: SQLite is enough for them."""
    return request.param


def chromium_path() -> str | None:
    """Playwright's own Chromium when installed, else Debian's."""
    configured = os.environ.get("PLAYWRIGHT_CHROMIUM_PATH")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def serving(app) -> Iterator[str]:
    """`app` on 127.0.0.1, a free port, in a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test's app served on a loopback port; yields the base URL."""
    with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(args=CHROMIUM_ARGS)
        except Exception:  # noqa: BLE001  (no Playwright download: use the system Chromium)
            path = chromium_path()
            if path is None:
                message = "no Chromium: install Playwright's or Debian's chromium"
                pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo_shop(make_merchant, make_order, make_user):
    """Acme Outdoor with orders in transit (with events), delivered and running late."""
    acme = make_merchant(
        "acme",
        "Acme Outdoor",
        is_demo=True,
        primary_color="#2f6b3b",
        header_text="Gear for every trail",
        support_email="help@acme.test",
        support_phone="+1 415 555 0142",
        support_url="https://acme.test/help",
    )
    make_user(acme, role="agent", email="agent@acme.test")
    now = utcnow().astimezone(EASTERN)
    in_transit = make_order(
        acme,
        order_number="#1042",
        items=[
            {"name": "Trail Tent 2P", "sku": "TENT-2P"},
            {"name": "Headlamp 400", "sku": "LAMP-H", "quantity": 2},
        ],
    )
    set_tracking(
        in_transit.shipments[0],
        "in_transit",
        service="UPS Ground",
        estimated_delivery={
            "date": (now + timedelta(days=2)).date().isoformat(),
            "window_end": (now + timedelta(days=2)).replace(hour=20, minute=0).isoformat(),
            "source": "carrier",
        },
        events=[
            (now - timedelta(days=2, hours=5), "pre_transit", "Shipper created a label", None),
            (now - timedelta(days=1, hours=22), "in_transit", "Picked up", "Denver"),
            (now - timedelta(days=1, hours=8), "in_transit", "Departed from facility", "Denver"),
            (now - timedelta(hours=20), "in_transit", "Arrived at facility", "Chicago"),
            (now - timedelta(hours=9), "in_transit", "Departed from facility", "Chicago"),
            (now - timedelta(hours=2), "in_transit", "Arrived at facility", "Buffalo"),
        ],
    )
    delivered = make_order(acme, order_number="#1043", shipments=[("ups", "1Z999AA10123456785")])
    delivered_at = now - timedelta(hours=3)
    set_tracking(
        delivered.shipments[0],
        "delivered",
        delivered_at=delivered_at,
        signed_by="M PATEL",
        delivery_location="Front door",
        events=[
            (now - timedelta(days=1, hours=6), "in_transit", "Arrived at facility", "Rochester"),
            (now - timedelta(hours=7), "out_for_delivery", "Out for delivery", "Rochester"),
            (delivered_at, "delivered", "Delivered", "Rochester"),
        ],
    )
    late = make_order(acme, order_number="#1044", shipments=[("ups", "1Z999AA10123456786")])
    set_tracking(
        late.shipments[0],
        "in_transit",
        delayed=True,
        delay_reason="carrier_delay",
        estimated_delivery={"date": (now + timedelta(days=4)).date().isoformat()},
        events=[
            (now - timedelta(days=1), "in_transit", "Departed from facility", "Louisville"),
            (now - timedelta(hours=4), "in_transit", "Weather delay", "Louisville"),
        ],
    )
    return {"merchant": acme, "in_transit": in_transit, "delivered": delivered, "late": late}
