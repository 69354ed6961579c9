"""The lookup form: order number plus email, phone or postal code leads to the tracking page."""

from __future__ import annotations

import math
import time

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse_many

from portal.blueprints.tracking import bp
from portal.blueprints.tracking.forms import LookupForm
from portal.database import begin_write
from portal.extensions import db, limiter
from portal.models.order import normalise_order_number
from portal.services.lookup import find_order_for_shopper, shopper_link_token
from portal.services.merchants import get_by_slug_or_404, get_merchant_by_slug

# Generous for a shopper who mistypes, far too slow for guessing.
PER_ADDRESS = "10 per minute;40 per hour"
# Misses on one order number from one client. Keyed on the client too, so that a stranger's
# guesses never use up the shopper's own allowance.
PER_NUMBER_AND_CLIENT = parse_many("8 per 10 minutes;20 per day")
# Misses on one order number from every client together. Past it the number is being
# guessed: a client that has already missed on it today waits for the ceiling to ease,
# and one that has not still gets its ordinary answer (a shopper with the right pair gets
# in; a guesser needs a new address for every guess).
NUMBER_CEILING = parse_many("30 per hour;100 per day")


def _miss_keys(merchant_slug: str, order_number: str) -> tuple[str, str]:
    number_key = f"lookup:{merchant_slug}:{normalise_order_number(order_number)[:64]}"
    return number_key, f"{number_key}:{get_remote_address()}"


def seconds_refused(merchant_slug: str, order_number: str) -> int:
    """Seconds before this client may look this number up again; 0 when it may now.

    The same for a known and an unknown number: only the counts of misses decide.
    """
    if not limiter.enabled:
        return 0
    strategy, now = limiter.limiter, time.time()
    number_key, client_key = _miss_keys(merchant_slug, order_number)
    own = [(item, strategy.get_window_stats(item, client_key)) for item in PER_NUMBER_AND_CLIENT]
    waits = [stats.reset_time - now for _item, stats in own if stats.remaining <= 0]
    if not waits and any(stats.remaining < item.amount for item, stats in own):
        ceiling = [strategy.get_window_stats(item, number_key) for item in NUMBER_CEILING]
        waits = [stats.reset_time - now for stats in ceiling if stats.remaining <= 0]
    return max(1, math.ceil(max(waits))) if waits else 0


def record_miss(merchant_slug: str, order_number: str) -> None:
    """Count a wrong pair or an unknown number against the client and the number."""
    if not limiter.enabled:
        return
    number_key, client_key = _miss_keys(merchant_slug, order_number)
    for item in PER_NUMBER_AND_CLIENT:
        limiter.limiter.hit(item, client_key)
    for item in NUMBER_CEILING:
        limiter.limiter.hit(item, number_key)


def _not_found_message() -> str:
    return _(
        "We couldn't find an order with that number and email, phone or postal code. "
        "Check both and try again."
    )


@bp.route("/<merchant_slug>/track", methods=["GET", "POST"])
@limiter.limit(
    PER_ADDRESS,
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 429,  # a refusal costs nothing
)
def lookup(merchant_slug: str):
    if request.method == "POST":
        begin_write()  # a match may issue a fresh link when every old one was revoked
    merchant = get_by_slug_or_404(merchant_slug)
    form = LookupForm()
    status = 200
    if form.validate_on_submit():
        wait = seconds_refused(merchant.slug, form.order_number.data)
        if wait:
            return _too_many(wait)
        order = find_order_for_shopper(merchant, form.order_number.data, form.contact.data)
        if order is not None:
            token = shopper_link_token(order)
            db.session.commit()
            target = url_for(
                "tracking.order_page", merchant_slug=merchant.slug, token=token, src="lookup"
            )
            return redirect(target, 303)
        record_miss(merchant.slug, form.order_number.data)
        form.form_errors.append(_not_found_message())
    elif form.errors:
        form.form_errors.append(_("Enter your order number and your email, phone or postal code."))
    if request.method == "POST":
        status = 422
    response = render_template("tracking/lookup.html", merchant=merchant, form=form)
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@bp.errorhandler(429)
def too_many_lookups(error):
    """The per-address limit's answer: the same page as for a number being guessed."""
    limit = getattr(error, "limit", None)
    return _too_many(limit.limit.get_expiry() if limit is not None else 60)


def _too_many(retry_after: int):
    """A friendly page in the shop's brand; the shopper can still reach support."""
    merchant = get_merchant_by_slug((request.view_args or {}).get("merchant_slug", ""))
    g.order_locale = None
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    if merchant is None:
        message = _("Too many attempts.")
        return render_template("errors/error.html", status=429, message=message), 429, headers
    minutes = max(1, math.ceil(retry_after / 60))
    html = render_template("tracking/rate_limited.html", merchant=merchant, minutes=minutes)
    return html, 429, headers
