"""Signed inbound webhooks from carriers (and, later, Twilio)."""

from flask import Blueprint

bp = Blueprint("hooks", __name__, url_prefix="/hooks")

from portal.blueprints.hooks import views  # noqa: E402,F401
