"""Every page carries a strict CSP with a nonce, and no inline code goes without it."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def order_path(make_merchant, make_order):
    order = make_order(make_merchant("acme", "Acme Outdoor"))
    return f"/acme/orders/{order.active_link.token}"


@pytest.mark.parametrize("path", ["/", "/login", "/nowhere/at/all"])
def test_pages_have_a_strict_csp_with_a_fresh_nonce(client, db, path):
    first = client.get(path)
    second = client.get(path)

    csp = first.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert nonce not in second.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert first.headers["X-Content-Type-Options"] == "nosniff"


def test_every_inline_style_and_script_carries_the_nonce(client, order_path):
    response = client.get(order_path)
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)

    for tag in re.findall(r"<(?:style|script)\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag
    assert " style=" not in html
    assert re.search(r"\son[a-z]+=", html) is None


def test_htmx_is_served_from_our_origin_with_the_indicator_styles_off(client, db):
    html = client.get("/").get_data(as_text=True)

    assert 'src="/static/vendor/htmx.min.js"' in html
    assert '"includeIndicatorStyles":false' in html
