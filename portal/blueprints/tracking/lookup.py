"""The lookup form: order number plus email, phone or postal code leads to the tracking page."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.forms import LookupForm
from portal.database import begin_write
from portal.extensions import db, limiter
from portal.models.order import normalise_order_number
from portal.services.lookup import find_order_for_shopper, shopper_link_token
from portal.services.merchants import get_by_slug_or_404, get_merchant_by_slug

# Generous for a shopper who mistypes, far too slow for guessing.
PER_ADDRESS = "10 per minute;40 per hour"
PER_ORDER_NUMBER = "8 per 10 minutes;20 per day"


def _order_number_key() -> str:
    slug = (request.view_args or {}).get("merchant_slug", "")
    return f"lookup:{slug}:{normalise_order_number(request.form.get('order_number', ''))[:64]}"


def _not_found_message() -> str:
    return _(
        "We couldn't find an order with that number and email, phone or postal code. "
        "Check both and try again."
    )


@bp.route("/<merchant_slug>/track", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, key_func=get_remote_address, methods=["POST"])
@limiter.limit(PER_ORDER_NUMBER, key_func=_order_number_key, methods=["POST"])
def lookup(merchant_slug: str):
    if request.method == "POST":
        begin_write()  # a match may issue a fresh link when every old one was revoked
    merchant = get_by_slug_or_404(merchant_slug)
    form = LookupForm()
    status = 200
    if form.validate_on_submit():
        order = find_order_for_shopper(merchant, form.order_number.data, form.contact.data)
        if order is not None:
            token = shopper_link_token(order)
            db.session.commit()
            target = url_for(
                "tracking.order_page", merchant_slug=merchant.slug, token=token, src="lookup"
            )
            return redirect(target, 303)
        form.form_errors.append(_not_found_message())
    elif form.errors:
        form.form_errors.append(_("Enter your order number and your email, phone or postal code."))
    if request.method == "POST":
        status = 422
    response = render_template("tracking/lookup.html", merchant=merchant, form=form)
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@bp.errorhandler(429)
def too_many_lookups(error):
    """A friendly page in the shop's brand; the shopper can still reach support."""
    merchant = get_merchant_by_slug((request.view_args or {}).get("merchant_slug", ""))
    limit = getattr(error, "limit", None)
    retry_after = limit.limit.get_expiry() if limit is not None else 60
    g.order_locale = None
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    if merchant is None:
        message = _("Too many attempts.")
        return render_template("errors/error.html", status=429, message=message), 429, headers
    minutes = max(1, retry_after // 60)
    html = render_template("tracking/rate_limited.html", merchant=merchant, minutes=minutes)
    return html, 429, headers
