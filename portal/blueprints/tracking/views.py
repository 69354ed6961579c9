"""The tracking page and the merchant logo it shows."""

from __future__ import annotations

from flask import abort, g, make_response, request

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.pageviews import page_view_source, record_page_view
from portal.blueprints.tracking.presenter import build_page
from portal.database import write_after_reads
from portal.services.links import find_order_by_token
from portal.services.merchants import get_by_slug_or_404
from portal.web.rendering import render_page_or_partial

LOGO_MAX_AGE = 365 * 24 * 3600


@bp.get("/<merchant_slug>/orders/<token>")
def order_page(merchant_slug: str, token: str):
    merchant = get_by_slug_or_404(merchant_slug)
    order = find_order_by_token(merchant, token)
    if order is None:
        abort(404)
    g.order_locale = order.customer_locale
    response = render_page_or_partial(
        "tracking/page.html", "tracking/_status.html", merchant=merchant, page=build_page(order)
    )
    if not request.htmx:
        merchant_id, order_id = order.merchant_id, order.id
        source = page_view_source(request.args.get("src"))
        write_after_reads(lambda: record_page_view(merchant_id, order_id, source))
    # The token is the key to this page: keep it out of shared caches and search engines.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/<merchant_slug>/logo")
def logo(merchant_slug: str):
    merchant = get_by_slug_or_404(merchant_slug)
    if not merchant.has_logo or merchant.logo is None:
        abort(404)
    response = make_response(merchant.logo)
    response.headers["Content-Type"] = merchant.logo_content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if request.args.get("v") == str(merchant.logo_version):
        response.headers["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response
