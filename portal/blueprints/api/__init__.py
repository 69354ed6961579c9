"""The JSON API, authenticated by merchant API keys."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portal.blueprints.api import products, views  # noqa: E402,F401
