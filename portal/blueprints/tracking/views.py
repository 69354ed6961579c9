"""The tracking page, its live status partial and the merchant logo it shows."""

from __future__ import annotations

from flask import abort, g, make_response, render_template, request

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.context import page_context, status_context
from portal.blueprints.tracking.pageviews import page_view_source, record_page_view
from portal.database import write_after_reads
from portal.models import Merchant, Order
from portal.services.lookup import get_order_for_page
from portal.services.merchants import get_by_slug_or_404

LOGO_MAX_AGE = 365 * 24 * 3600


def shopper_order_or_404(merchant_slug: str, token: str) -> tuple[Merchant, Order]:
    """The merchant and the order behind a live token; 404 otherwise. Sets the page language."""
    merchant = get_by_slug_or_404(merchant_slug)
    order = get_order_for_page(merchant, token)
    if order is None:
        abort(404)
    g.order_locale = order.customer_locale
    return merchant, order


def private_page(response):
    """The token is the key to these pages: keep them out of shared caches and search engines."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.vary.add("HX-Request")
    return response


@bp.get("/<merchant_slug>/orders/<token>")
def order_page(merchant_slug: str, token: str):
    merchant, order = shopper_order_or_404(merchant_slug, token)
    if request.htmx:
        return _status_partial(order, token)
    response = make_response(render_template("tracking/page.html", **page_context(order, token)))
    if "done" not in request.args:  # coming back from a form without JavaScript
        merchant_id, order_id = order.merchant_id, order.id
        source = page_view_source(request.args.get("src"))
        write_after_reads(lambda: record_page_view(merchant_id, order_id, source))
    return private_page(response)


def _status_partial(order: Order, token: str):
    """The live status for htmx polling: 304 when the shopper already has this version."""
    context = status_context(order, token)
    etag = context["etag"]
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(render_template("tracking/_status.html", **context))
    response.set_etag(etag)
    return private_page(response)


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
