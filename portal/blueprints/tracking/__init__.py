"""The shopper's pages: the branded tracking page and the merchant's logo."""

from flask import Blueprint

bp = Blueprint("tracking", __name__)

from portal.blueprints.tracking import views  # noqa: E402,F401
