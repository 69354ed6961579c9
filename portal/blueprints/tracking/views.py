"""The tracking page, its live status partial and the merchant logo it shows."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, make_response, render_template, request, session

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.context import page_context, status_context
from portal.blueprints.tracking.pageviews import note_page_view, page_view_source
from portal.blueprints.tracking.render_cache import (
    fill,
    page_cache,
    page_key,
    slots,
    split_etag,
    status_etag,
)
from portal.database import utcnow
from portal.models import Merchant, Order
from portal.services.lookup import PageStamp, get_order_for_page, page_stamp
from portal.services.merchants import get_by_slug_or_404

LOGO_MAX_AGE = 365 * 24 * 3600


def shopper_order_or_404(merchant_slug: str, token: str) -> tuple[Merchant, Order]:
    """The merchant and the order behind a live token; 404 otherwise. Sets the page language."""
    order = get_order_for_page(merchant_slug, token)
    if order is None:
        abort(404)
    g.order_locale = order.customer_locale
    return order.merchant, order


def private_page(response):
    """The token is the key to these pages: keep them out of shared caches and search engines."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.vary.add("HX-Request")
    return response


@bp.get("/<merchant_slug>/orders/<token>")
def order_page(merchant_slug: str, token: str):
    """The page, from this worker's render cache while the order and brand are unchanged."""
    stamp = page_stamp(merchant_slug, token)
    if stamp is None:
        abort(404)
    g.order_locale = stamp.locale
    now = utcnow()
    if request.htmx:
        return _status_partial(merchant_slug, token, stamp, now)
    # Coming back from a form without JavaScript, or with a message to show: render afresh.
    reusable = "done" not in request.args and "_flashes" not in session
    key = page_key(request.host, token, stamp, now)
    html = page_cache().get(key) if reusable else None
    if html is None:
        _merchant, order = shopper_order_or_404(merchant_slug, token)
        html = render_template("tracking/page.html", **page_context(order, token, now), **slots())
        if reusable:
            page_cache().put(key, html)
    response = make_response(fill(html))
    if "done" not in request.args:
        source = page_view_source(request.args.get("src"))
        note_page_view(stamp.merchant_id, stamp.order_id, source)
    return private_page(response)


def _status_partial(merchant_slug: str, token: str, stamp: PageStamp, now: datetime):
    """The live status for htmx polling. 304 from the stamp alone while nothing changed;
    304 with a new ETag when something changed that the status doesn't show."""
    sent = next(iter(request.if_none_match.as_set()), "")
    sent_version, sent_content = split_etag(sent)
    if sent_version == status_etag(stamp, now):
        response = make_response("", 304)
        response.set_etag(sent)
        return private_page(response)
    _merchant, order = shopper_order_or_404(merchant_slug, token)
    context = status_context(order, token, now)
    if split_etag(context["etag"])[1] == sent_content:
        response = make_response("", 304)
    else:
        response = make_response(render_template("tracking/_status.html", **context))
    response.set_etag(context["etag"])
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
