"""Developer pages: the notification outbox, only outside production and only from loopback."""

from flask import Blueprint

bp = Blueprint("dev", __name__, url_prefix="/dev")

from portal.blueprints.dev import views  # noqa: E402,F401
