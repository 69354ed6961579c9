"""The merchant console: owners and admins only."""

from flask import Blueprint

bp = Blueprint("merchant", __name__, url_prefix="/merchant")

from portal.blueprints.merchant import views  # noqa: E402,F401
