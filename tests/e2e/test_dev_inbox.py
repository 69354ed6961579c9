"""In a real browser: the dev inbox shows a sent email inside its sandboxed frame."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.database import utcnow
from portal.extensions import db
from portal.services.dispatch import send_due_notifications
from portal.services.outbox import NotificationRequest, queue_notifications

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 375])
def test_dev_inbox_renders_the_email_in_a_sandboxed_frame(live_server, page, demo_shop, width, app):
    order = demo_shop["in_transit"]
    with app.app_context():
        queue_notifications(
            [NotificationRequest(db.session.merge(order), "order_confirmed")], utcnow()
        )
        db.session.commit()
        assert send_due_notifications().sent == 1
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(live_server + "/dev/inbox")

    expect(page.get_by_role("heading", name="Dev inbox")).to_be_visible()
    heading = page.get_by_role("heading", name="Thanks for your order #1042")
    expect(heading).to_be_visible()
    frame_element = page.locator("iframe[title='Email: Thanks for your order #1042']")
    expect(frame_element).to_have_attribute("sandbox", "")
    frame = page.frame_locator("iframe[title='Email: Thanks for your order #1042']")
    expect(frame.get_by_role("heading", name="We've got your order.")).to_be_visible()
    expect(frame.get_by_role("link", name="Track your order")).to_be_visible()
    assert csp_errors == []
