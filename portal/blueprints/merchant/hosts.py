"""A merchant's own tracking host serves its pages at /track and /orders/<token>; favicons."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, make_response, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.blueprints.merchant import bp
from portal.extensions import db
from portal.models import Merchant
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
    slug = db.session.scalar(select(Merchant.slug).where(Merchant.custom_host == host))
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
