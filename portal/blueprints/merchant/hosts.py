"""A merchant's own tracking host: verified by DNS in the console, then it serves the shop's
/track and /orders/<token>; favicons."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.blueprints.merchant import bp
from portal.blueprints.merchant.context import audit, current_merchant
from portal.database import begin_write, utcnow
from portal.extensions import db
from portal.models import Merchant
from portal.services.custom_hosts import (
    HostNotVerified,
    merchant_slug_for_host,
    record_name,
    record_value,
    verify_custom_host,
)
from portal.services.merchants import get_by_slug_or_404

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SHOPPER_PATHS = ("/track", "/orders/", "/logo", "/favicon")


def _own_hosts() -> set[str]:
    public = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or ""
    return {public, *LOCAL_HOSTS}


@bp.before_app_request
def serve_custom_host():
    """On a merchant's custom host, /track and /orders/<token> mean that merchant's pages."""
    host = request.host.rsplit(":", 1)[0].lower() if "]" not in request.host else request.host
    if host in _own_hosts() or not request.path.startswith(SHOPPER_PATHS):
        return None
    slug = merchant_slug_for_host(host)
    if slug is None:
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, arguments = adapter.match(f"/{slug}{request.path}", method=request.method)
    except HTTPException as error:
        return error
    if not endpoint.startswith("tracking.") and endpoint != "merchant_favicon":
        return None
    return current_app.ensure_sync(current_app.view_functions[endpoint])(**arguments)


@bp.context_processor
def host_records():
    return {"host_record_name": record_name, "host_record_value": record_value}


@bp.post("/branding/host/verify")
def verify_host():
    """Look the host's TXT record up now; htmx gets the section back with the result in it,
    a plain form post a flash message on the branding page."""
    begin_write()
    merchant = current_merchant()
    try:
        verify_custom_host(merchant, utcnow())
    except HostNotVerified as error:
        db.session.rollback()
        message, ok = str(error), False
    else:
        audit("custom_host.verified", "merchant", merchant.id, host=merchant.custom_host)
        db.session.commit()
        message, ok = f"{merchant.custom_host} is verified. Tracking links now use it.", True
    if getattr(request, "htmx", False):
        response = make_response(
            render_template("merchant/_custom_host.html", merchant=merchant, result=(ok, message))
        )
        response.vary.add("HX-Request")
        return response
    flash(message, "info" if ok else "error")
    return redirect(url_for("merchant.branding"), code=303)


def favicon(merchant_slug: str):
    merchant = get_by_slug_or_404(merchant_slug)
    if not merchant.favicon_content_type:
        abort(404)
    response = make_response(
        db.session.scalar(select(Merchant.favicon).where(Merchant.id == merchant.id))
    )
    response.headers["Content-Type"] = merchant.favicon_content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


bp.record_once(
    lambda state: state.app.add_url_rule(
        "/<merchant_slug>/favicon", "merchant_favicon", favicon, methods=["GET"]
    )
)
