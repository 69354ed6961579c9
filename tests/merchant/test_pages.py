"""Every merchant console page answers owners, and agents get 403 on each."""

from __future__ import annotations

import pytest

PAGES = (
    "/merchant/",
    "/merchant/?days=7",
    "/merchant/?days=90",
    "/merchant/branding",
    "/merchant/notifications",
    "/merchant/notifications/templates",
    "/merchant/notifications/templates?trigger=delayed&channel=sms",
    "/merchant/products",
    "/merchant/products/new",
    "/merchant/team",
    "/merchant/api-keys",
    "/merchant/audit",
)


@pytest.mark.parametrize("path", PAGES)
def test_owner_sees_every_console_page(owner_client, path):
    response = owner_client.get(path)

    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert "Signed in as owner for Acme Outdoor" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", (*PAGES, "/agent/", "/password/change", "/"))
def test_no_signed_in_page_may_be_stored_by_a_browser_or_proxy(owner_client, path):
    """A shared computer's back button or a caching proxy must not replay a console page."""
    response = owner_client.get(path)

    assert response.status_code == 200
    assert response.cache_control.no_store, f"{path}: {response.headers.get('Cache-Control')}"


@pytest.mark.parametrize("path", PAGES)
def test_agent_gets_403_on_every_console_page(client, acme, make_user, sign_in, path):
    make_user(acme, role="agent", email="agent@acme.test")
    sign_in("agent@acme.test")

    assert client.get(path).status_code == 403


def test_admin_may_not_read_the_audit_log(client, acme, make_user, sign_in):
    make_user(acme, role="admin", email="admin@acme.test")
    sign_in("admin@acme.test")

    assert client.get("/merchant/branding").status_code == 200
    assert client.get("/merchant/audit").status_code == 403
